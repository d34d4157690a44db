import { sql, type Kysely } from 'kysely';
import { UnlatchError } from '../../core/errors.js';
import { FAILED_PROOF_EVENTS, type AuditGroupQuery, type AuditGroups, type RateLimitedSource, type SubjectFailures } from '../../core/ports/audit-groups.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/**
 * Grouped reads of the audit log for the reports, SQLite or PostgreSQL. Each is a range read of the
 * `(tenant_id, event, at, seq)` index (migration 0013) for a few events over a period, grouped in the database:
 * no new index, and only the groups travel.
 */
export class SqlAuditGroups implements AuditGroups {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async failuresBySubject(query: AuditGroupQuery & { min: number }): Promise<SubjectFailures[]> {
    const { from, to, limit } = checked(query);
    if (!Number.isInteger(query.min) || query.min < 1) throw new UnlatchError('invalid_request', { field: 'min' });
    const signIn = sql<number>`sum(case when event like 'signin.%' then 1 else 0 end)`;
    const rows = await this.db
      .selectFrom('audit_log')
      .select(['subject_id'])
      .select((eb) => [eb.fn.countAll<number>().as('failures'), signIn.as('sign_in'), eb.fn.min<number>('at').as('first_at'), eb.fn.max<number>('at').as('last_at')])
      .where('tenant_id', '=', query.tenantId)
      .where('event', 'in', [...FAILED_PROOF_EVENTS])
      .where('at', '>=', from)
      .where('at', '<', to)
      .where('outcome', '=', 'failure')
      .where('subject_id', 'is not', null)
      .groupBy('subject_id')
      .having((eb) => eb.fn.countAll(), '>=', query.min)
      .orderBy('failures', 'desc')
      .orderBy('subject_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      subjectId: r.subject_id!,
      failures: Number(r.failures),
      signInFailures: Number(r.sign_in),
      resetFailures: Number(r.failures) - Number(r.sign_in),
      firstAt: new Date(Number(r.first_at)),
      lastAt: new Date(Number(r.last_at)),
    }));
  }

  async rateLimitedSources(query: AuditGroupQuery): Promise<RateLimitedSource[]> {
    const { from, to, limit } = checked(query);
    // The refusing limit is in the entry's details (JSON text): read it with each database's JSON function.
    const bucket = this.dialect === 'postgres' ? sql<string | null>`(details::jsonb ->> 'bucket')` : sql<string | null>`json_extract(details, '$.bucket')`;
    const rows = await this.db
      .selectFrom('audit_log')
      .select((eb) => [eb.ref('ip').as('ip'), bucket.as('bucket'), eb.fn.countAll<number>().as('refusals'), eb.fn.min<number>('at').as('first_at'), eb.fn.max<number>('at').as('last_at')])
      .where('tenant_id', '=', query.tenantId)
      .where('event', '=', 'reset.rate_limited')
      .where('at', '>=', from)
      .where('at', '<', to)
      .groupBy(['ip', bucket])
      .orderBy('refusals', 'desc')
      .orderBy('ip')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      ip: r.ip,
      bucket: typeof r.bucket === 'string' && /^[a-z0-9_-]{1,32}$/.test(r.bucket) ? r.bucket : 'other',
      refusals: Number(r.refusals),
      firstAt: new Date(Number(r.first_at)),
      lastAt: new Date(Number(r.last_at)),
    }));
  }
}

function checked(query: AuditGroupQuery): { from: number; to: number; limit: number } {
  if (typeof query.tenantId !== 'string' || query.tenantId === '') throw new UnlatchError('invalid_request', { field: 'tenantId' });
  const from = query.from.getTime();
  const to = query.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new UnlatchError('invalid_request', { field: 'from' });
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100_000) throw new UnlatchError('invalid_request', { field: 'limit' });
  return { from, to, limit: query.limit };
}
