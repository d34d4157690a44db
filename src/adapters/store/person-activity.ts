import type { Kysely } from 'kysely';
import type { PersonActivityReader, PersonFlow } from '../../core/ports/person-activity.js';
import type { Database } from './schema.js';

/** The console's read of a person's recent flows, newest first (index `reset_flows_subject`). */
export class SqlPersonActivity implements PersonActivityReader {
  constructor(private readonly db: Kysely<Database>) {}

  async recentFlows(tenantId: string, subjectId: string, limit: number): Promise<PersonFlow[]> {
    const rows = await this.db
      .selectFrom('reset_flows')
      .select(['id', 'purpose', 'state', 'decoy', 'proven', 'created_at', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      purpose: row.purpose,
      state: row.state,
      decoy: Number(row.decoy) === 1,
      proven: safeKinds(row.proven),
      createdAt: new Date(Number(row.created_at)),
      updatedAt: new Date(Number(row.updated_at)),
    }));
  }
}

function safeKinds(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
