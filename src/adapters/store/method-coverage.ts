import type { Kysely } from 'kysely';
import type { CoverageSnapshot, CoverageSnapshots, MethodCoverage } from '../../core/ports/method-coverage.js';
import type { Database } from './schema.js';

/**
 * The coverage report's one read of the methods table: every subject of a tenant holding a confirmed method
 * that can still be used (a spent backup code cannot). One query per report, not one per person.
 */
export class SqlMethodCoverage implements MethodCoverage, CoverageSnapshots {
  constructor(private readonly db: Kysely<Database>) {}

  async subjectsWithMethods(tenantId: string): Promise<ReadonlySet<string>> {
    const rows = await this.db
      .selectFrom('methods')
      .select('subject_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('confirmed', '=', 1)
      .where((eb) => eb.or([eb('kind', '<>', 'backup_code'), eb('used_at', 'is', null)]))
      .execute();
    return new Set(rows.map((r) => r.subject_id));
  }

  /** Replaces the tenant's snapshot (one row per tenant: only the latest is ever shown). */
  async record(tenantId: string, snapshot: CoverageSnapshot): Promise<void> {
    const values = { people: snapshot.people, covered: snapshot.covered, computed_at: snapshot.computedAt.getTime() };
    await this.db
      .insertInto('coverage_snapshots')
      .values({ tenant_id: tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
  }

  async latest(tenantId: string): Promise<CoverageSnapshot | null> {
    const row = await this.db.selectFrom('coverage_snapshots').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? { people: Number(row.people), covered: Number(row.covered), computedAt: new Date(Number(row.computed_at)) } : null;
  }
}
