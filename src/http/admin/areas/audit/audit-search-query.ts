import type { AuditFilter } from '../../../../core/ports/audit-query.js';
import type { AuditOutcome } from '../../../../core/ports/audit.js';

/** The audit search's query string (console and API): every field optional, one value each. */
export const auditQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subject: { type: 'string', maxLength: 1024 },
    event: { type: 'string', maxLength: 128 },
    outcome: { type: 'string', enum: ['', 'success', 'failure', 'decoy', 'denied'] },
    ip: { type: 'string', maxLength: 64 },
    flow: { type: 'string', maxLength: 64 },
    actor: { type: 'string', maxLength: 256 },
    from: { type: 'string', maxLength: 32 },
    to: { type: 'string', maxLength: 32 },
    after: { type: 'string', maxLength: 256 },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const;

export type AuditSearchQuery = Partial<Record<keyof (typeof auditQuerySchema)['properties'], string>>;

/** A date field: `YYYY-MM-DD` (UTC midnight) or a full ISO time; anything else is no bound. */
function dateOf(value: string | undefined, endOfDay: boolean): Date | null {
  if (!value) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return null;
  return day && endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

/** The port's filter from the query: blank fields do not narrow; `to` as a day includes that whole day. */
export function auditFilterOf(tenantId: string, query: AuditSearchQuery): AuditFilter {
  const blankToNull = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : null);
  return {
    tenantId,
    subjectId: blankToNull(query.subject),
    event: blankToNull(query.event),
    outcome: (blankToNull(query.outcome) as AuditOutcome | null) ?? null,
    ip: blankToNull(query.ip),
    flowId: blankToNull(query.flow),
    actor: blankToNull(query.actor),
    from: dateOf(blankToNull(query.from) ?? undefined, false),
    to: dateOf(blankToNull(query.to) ?? undefined, true),
  };
}

/** The search as a query string without the page cursor (for the next-page and export links). */
export function searchParamsOf(query: AuditSearchQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (key !== 'after' && key !== 'limit' && typeof value === 'string' && value !== '') params.set(key, value);
  return params;
}
