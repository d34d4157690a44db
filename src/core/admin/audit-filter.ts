import { UnlatchError } from '../errors.js';
import { MAX_AUDIT_PAGE, type AuditFilter, type AuditPage } from '../ports/audit-query.js';
import type { AuditOutcome } from '../ports/audit.js';

/** A checked {@link AuditFilter}: blanks dropped, times as epoch milliseconds, events split into exact names and prefixes. */
export interface NormalizedAuditFilter {
  tenantId: string;
  subjectId: string | null;
  /** Null: any event. Otherwise an entry matches when its event is in `exact` or starts with one of `prefixes`. */
  events: { exact: string[]; prefixes: string[] } | null;
  outcome: AuditOutcome | null;
  ip: string | null;
  flowId: string | null;
  actor: string | null;
  fromMs: number | null;
  toMs: number | null;
}

/** Where a page starts: after the entry at (`at`, `seq`) in newest-first order. */
export interface AuditCursor {
  at: number;
  seq: number;
}

const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'decoy', 'denied'];
const EVENT = /^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$/;
/** How many event names or prefixes one filter may hold. */
export const MAX_FILTER_EVENTS = 64;

/**
 * Checks a filter from an operator (through HTTP or the CLI). Anything malformed is
 * `UnlatchError('invalid_request', { field })`; an empty string counts as not given (a blank form field).
 */
export function normalizeAuditFilter(filter: AuditFilter): NormalizedAuditFilter {
  if (typeof filter.tenantId !== 'string' || filter.tenantId.length === 0 || filter.tenantId.length > 64) refuse('tenantId');
  const outcome = text(filter.outcome, 'outcome', 16);
  if (outcome !== null && !OUTCOMES.includes(outcome as AuditOutcome)) refuse('outcome');
  const fromMs = instant(filter.from, 'from');
  const toMs = instant(filter.to, 'to');
  return {
    tenantId: filter.tenantId,
    subjectId: text(filter.subjectId, 'subjectId', 64),
    events: eventsOf(filter.event),
    outcome: outcome as AuditOutcome | null,
    ip: text(filter.ip, 'ip', 64),
    flowId: text(filter.flowId, 'flowId', 64),
    actor: text(filter.actor, 'actor', 256),
    fromMs,
    toMs,
  };
}

/** Checks a page request: the limit's range and the cursor's form. */
export function normalizeAuditPage(page: AuditPage): { after: AuditCursor | null; limit: number } {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_AUDIT_PAGE) refuse('limit');
  return { after: page.after === undefined || page.after === null || page.after === '' ? null : decodeAuditCursor(page.after), limit: page.limit };
}

/** The opaque cursor of a page's last entry: base64url of `at:seq`. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}:${cursor.seq}`, 'utf8').toString('base64url');
}

/** Reads a cursor made by {@link encodeAuditCursor}; anything else is `invalid_request` (field `after`). */
export function decodeAuditCursor(cursor: string): AuditCursor {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) refuse('after');
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) refuse('after');
  return { at: Number(match[1]), seq: Number(match[2]) };
}

/** True when an entry's event passes the filter's event part. */
export function eventMatches(events: NormalizedAuditFilter['events'], event: string): boolean {
  return events === null || events.exact.includes(event) || events.prefixes.some((p) => event.startsWith(p));
}

function eventsOf(value: AuditFilter['event']): NormalizedAuditFilter['events'] {
  if (value === undefined || value === null || value === '') return null;
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.length > MAX_FILTER_EVENTS) refuse('event');
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' || item.length > 64 || !EVENT.test(item)) refuse('event');
    (item.endsWith('.') ? prefixes : exact).add(item);
  }
  if (exact.size === 0 && prefixes.size === 0) return null;
  return { exact: [...exact], prefixes: [...prefixes] };
}

function text(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > max) refuse(field);
  return value;
}

function instant(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) refuse(field);
  return value.getTime();
}

function refuse(field: string): never {
  throw new UnlatchError('invalid_request', { field }, `invalid audit search: ${field}`);
}
