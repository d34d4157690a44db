import type { Kysely } from 'kysely';
import type { MethodCoverage } from '../../core/ports/method-coverage.js';
import type { Database } from './schema.js';

/**
 * The coverage report's one read of the methods table: every subject of a tenant holding a confirmed method
 * that can still be used (a spent backup code cannot). One query per report, not one per person.
 */
export class SqlMethodCoverage implements MethodCoverage {
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
}
