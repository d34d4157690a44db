import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  IncidentCounts,
  IncidentMode,
  IncidentPersonRecord,
  IncidentPersonState,
  IncidentRecord,
  IncidentState,
  IncidentStore,
  PolicyOverride,
} from '../../core/incident/incident-store.js';
import type { Clock } from '../../core/ports/clock.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { IncidentPeopleTable, IncidentsTable } from './incident-tables.js';
import type { Database } from './schema.js';

const trxOf = (tx: StoreTx) => tx.native as Transaction<Database>;
/** Rows per INSERT: well under SQLite's 32,766 bound parameters and PostgreSQL's 65,535. */
const INSERT_CHUNK = 500;

/** Incidents, their people, holds and stricter-policy overrides in SQL (SQLite or PostgreSQL alike). */
export class SqlIncidentStore implements IncidentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(tx: StoreTx, incident: IncidentRecord, people: readonly IncidentPersonRecord[]): Promise<void> {
    const trx = trxOf(tx);
    await trx.insertInto('incidents').values({
      id: incident.id, tenant_id: incident.tenantId, mode: incident.mode, source: incident.source.slice(0, 300), source_key: incident.sourceKey,
      reason: incident.reason, created_by: incident.createdBy.slice(0, 255), dry_run: incident.dryRun ? 1 : 0, state: incident.state,
      expires_at: incident.expiresAt.getTime(), created_at: incident.createdAt.getTime(), finished_at: incident.finishedAt?.getTime() ?? null,
    }).execute();
    for (let i = 0; i < people.length; i += INSERT_CHUNK) {
      await trx.insertInto('incident_people').values(people.slice(i, i + INSERT_CHUNK).map((p) => ({
        incident_id: incident.id, seq: p.seq, identifier: p.identifier.slice(0, 320), subject_id: p.subjectId, state: p.state, reason: p.reason,
        notes: p.notes, updated_at: p.updatedAt.getTime(),
      }))).execute();
    }
  }

  async get(tenantId: string, id: string): Promise<IncidentRecord | null> {
    const row = await this.db.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  async list(tenantId: string, limit: number): Promise<IncidentRecord[]> {
    const rows = await this.db.selectFrom('incidents').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(incidentOf);
  }

  async latestFor(tenantId: string, sourceKey: string, mode: IncidentMode): Promise<IncidentRecord | null> {
    const row = await this.db.selectFrom('incidents').selectAll()
      .where('tenant_id', '=', tenantId).where('source_key', '=', sourceKey).where('mode', '=', mode).where('dry_run', '=', 0)
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return row ? incidentOf(row) : null;
  }

  async counts(incidentId: string): Promise<IncidentCounts> {
    const rows = await this.db.selectFrom('incident_people').select(['state', (eb) => eb.fn.countAll<string | number>().as('n')]).where('incident_id', '=', incidentId).groupBy('state').execute();
    const counts: IncidentCounts = { total: 0, pending: 0, done: 0, failed: 0, skipped: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      counts.total += n;
      if (r.state === 'pending' || r.state === 'done' || r.state === 'failed' || r.state === 'skipped') counts[r.state] += n;
    }
    return counts;
  }

  async people(incidentId: string, options: { afterSeq: number; limit: number; state?: IncidentPersonState }): Promise<IncidentPersonRecord[]> {
    let query = this.db.selectFrom('incident_people').selectAll().where('incident_id', '=', incidentId).where('seq', '>', options.afterSeq);
    if (options.state) query = query.where('state', '=', options.state);
    const rows = await query.orderBy('seq').limit(options.limit).execute();
    return rows.map(personOf);
  }

  async claim(tx: StoreTx, incidentId: string, seq: number, now: Date, notes: string | null): Promise<boolean> {
    // One conditional update: of two runs racing for a person, exactly one changes the row.
    const result = await trxOf(tx).updateTable('incident_people').set({ state: 'done', reason: null, notes, updated_at: now.getTime() })
      .where('incident_id', '=', incidentId).where('seq', '=', seq).where('state', '=', 'pending').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async settle(incidentId: string, seq: number, state: 'failed' | 'skipped', reason: string, now: Date): Promise<void> {
    await this.db.updateTable('incident_people').set({ state, reason: reason.slice(0, 64), updated_at: now.getTime() })
      .where('incident_id', '=', incidentId).where('seq', '=', seq).where('state', '=', 'pending').execute();
  }

  async setState(incidentId: string, state: IncidentState, now: Date | null): Promise<void> {
    await this.db.updateTable('incidents').set({ state, finished_at: now?.getTime() ?? null }).where('id', '=', incidentId).execute();
  }

  async hold(tx: StoreTx, hold: { tenantId: string; subjectId: string; incidentId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    const trx = trxOf(tx);
    // A hold of an earlier incident that has run out is replaced; a live one (or a "this wasn't me" hold) stays.
    await trx.deleteFrom('self_service_holds').where('tenant_id', '=', hold.tenantId).where('subject_id', '=', hold.subjectId)
      .where('expires_at', 'is not', null).where('expires_at', '<=', hold.createdAt.getTime()).execute();
    await trx.insertInto('self_service_holds').values({
      tenant_id: hold.tenantId, subject_id: hold.subjectId, reason: 'incident', flow_id: null, created_at: hold.createdAt.getTime(),
      expires_at: hold.expiresAt.getTime(), incident_id: hold.incidentId,
    }).onConflict((oc) => oc.columns(['tenant_id', 'subject_id']).doNothing()).execute();
  }

  async override(tx: StoreTx, tenantId: string, subjectId: string, override: PolicyOverride, now: Date): Promise<void> {
    const values = {
      incident_id: override.incidentId, required_methods: override.requiredMethods, require_strong: override.requireStrong ? 1 : 0,
      created_at: now.getTime(), expires_at: override.expiresAt.getTime(),
    };
    await trxOf(tx).insertInto('policy_overrides').values({ tenant_id: tenantId, subject_id: subjectId, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'subject_id']).doUpdateSet(values)).execute();
  }

  async endMeasures(tx: StoreTx, incidentId: string): Promise<{ holds: number; overrides: number }> {
    const trx = trxOf(tx);
    const holds = await trx.deleteFrom('self_service_holds').where('incident_id', '=', incidentId).executeTakeFirst();
    const overrides = await trx.deleteFrom('policy_overrides').where('incident_id', '=', incidentId).executeTakeFirst();
    return { holds: Number(holds.numDeletedRows), overrides: Number(overrides.numDeletedRows) };
  }

  async overrideFor(tenantId: string, subjectId: string): Promise<PolicyOverride | null> {
    const row = await this.db.selectFrom('policy_overrides').selectAll().where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId)
      .where('expires_at', '>', this.clock.now().getTime()).executeTakeFirst();
    return row ? { requiredMethods: 2, requireStrong: true, incidentId: row.incident_id, expiresAt: new Date(Number(row.expires_at)) } : null;
  }
}

function incidentOf(row: Selectable<IncidentsTable>): IncidentRecord {
  return {
    id: row.id, tenantId: row.tenant_id, mode: row.mode as IncidentMode, source: row.source, sourceKey: row.source_key, reason: row.reason,
    createdBy: row.created_by, dryRun: Number(row.dry_run) === 1, state: row.state as IncidentState, expiresAt: new Date(Number(row.expires_at)),
    createdAt: new Date(Number(row.created_at)), finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)),
  };
}

function personOf(row: Selectable<IncidentPeopleTable>): IncidentPersonRecord {
  return {
    incidentId: row.incident_id, seq: Number(row.seq), identifier: row.identifier, subjectId: row.subject_id, state: row.state as IncidentPersonState,
    reason: row.reason, notes: row.notes, updatedAt: new Date(Number(row.updated_at)),
  };
}
