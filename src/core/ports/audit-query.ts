import type { AuditOutcome } from './audit.js';

/** One stored audit entry in readable form (the console's list, detail page and exports). */
export interface AuditRecord {
  /** Global number: unique, increasing, gaps are normal. */
  seq: number;
  /** The hash chain holding the entry, and its position there (what `audit verify` follows). */
  chain: number;
  chainSeq: number;
  id: string;
  at: Date;
  tenantId: string;
  event: string;
  outcome: string;
  actor: string;
  subjectId: string | null;
  flowId: string | null;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
  /** The entry's details object (never holds a secret: see `AuditEntryInput`). */
  details: Record<string, unknown>;
  /** The hash of the chain's previous entry, and this entry's own: so an export can be checked offline. */
  prevHash: string;
  hash: string;
}

/**
 * What to search for. Only `tenantId` is required; every other field narrows the result (all must hold).
 * Strings match exactly; `event` also takes prefixes.
 */
export interface AuditFilter {
  tenantId: string;
  subjectId?: string | null;
  /**
   * One event or several (any of them). An item ending in `.` is a prefix: `reset.` is every `reset.*` event.
   * An empty list means no event filter.
   */
  event?: string | readonly string[] | null;
  outcome?: AuditOutcome | null;
  ip?: string | null;
  flowId?: string | null;
  actor?: string | null;
  /** Entries at or after this instant. */
  from?: Date | null;
  /** Entries before this instant (exclusive). */
  to?: Date | null;
}

/** Which page: `after` is the `next` cursor of the page before (absent or null: the newest page). */
export interface AuditPage {
  after?: string | null;
  /** Entries per page, 1 … {@link MAX_AUDIT_PAGE}. */
  limit: number;
}

/** The largest page {@link AuditQuery.search} serves. */
export const MAX_AUDIT_PAGE = 1000;

/** One page of a search. `next` is null when no entry is left after this page. */
export interface AuditSearchResult {
  entries: AuditRecord[];
  next: string | null;
}

/**
 * Reads the audit log for operators: search with keyset paging, streaming for exports, one entry by id.
 * Newest first: by time (`at`), ties by `seq`. Paging is by keyset, never by offset, so a page costs the same
 * at the millionth entry as at the first, and entries appended between two pages neither repeat nor shift
 * what the next page shows. The cursor is opaque (base64url); a malformed one is refused with
 * `UnlatchError('invalid_request')`, like any other bad filter or page.
 */
export interface AuditQuery {
  search(filter: AuditFilter, page: AuditPage): Promise<AuditSearchResult>;
  /** Every entry matching the filter, newest first, fetched page by page (memory stays flat). */
  stream(filter: AuditFilter): AsyncIterable<AuditRecord>;
  /** The entry with this id in this tenant, or null (another tenant's entry is null too). */
  get(tenantId: string, id: string): Promise<AuditRecord | null>;
}
