import type { Kysely, Selectable } from 'kysely';
import type { AuditVerificationClaim, AuditVerificationOutcome, AuditVerificationRun, AuditVerificationRuns, AuditVerificationStatus } from '../../core/ports/audit-verifications.js';
import type { AuditVerificationsTable, Database } from './schema.js';

const STATUSES: readonly AuditVerificationStatus[] = ['running', 'ok', 'broken', 'failed'];

/** The record of audit log verifications in SQL; the partial unique index admits one running row. */
export class SqlAuditVerificationRuns implements AuditVerificationRuns {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(run: AuditVerificationRun, staleBefore: Date, staleProblem: string): Promise<AuditVerificationClaim> {
    // A running row gone silent belongs to a node that died: fail it, so the insert below can take its place.
    await this.db
      .updateTable('audit_verifications')
      .set({ status: 'failed', finished_at: run.startedAt.getTime(), first_problem: staleProblem })
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', staleBefore.getTime())
      .execute();
    // Twice at most: the running row may end between a refused insert and the read of who holds the slot.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.insertInto('audit_verifications').values(toRow(run)).execute();
        return { claimed: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const running = await this.running();
        if (running) return { claimed: false, running };
        if (attempt === 2) throw error;
      }
    }
  }

  async progress(id: string, entriesChecked: number, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('audit_verifications')
      .set({ entries_checked: entriesChecked, heartbeat_at: now.getTime() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finish(id: string, outcome: AuditVerificationOutcome, now: Date): Promise<void> {
    await this.db
      .updateTable('audit_verifications')
      .set({
        status: outcome.status, finished_at: now.getTime(), heartbeat_at: now.getTime(), entries_checked: outcome.entriesChecked,
        chains: outcome.chains, first_problem: outcome.firstProblem, digest: outcome.digest,
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  async running(): Promise<AuditVerificationRun | null> {
    const row = await this.db.selectFrom('audit_verifications').selectAll().where('status', '=', 'running').executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async lastFinished(): Promise<AuditVerificationRun | null> {
    const row = await this.db
      .selectFrom('audit_verifications')
      .selectAll()
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async find(id: string): Promise<AuditVerificationRun | null> {
    const row = await this.db.selectFrom('audit_verifications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }
}

/** A unique constraint refused the row: PostgreSQL SQLSTATE 23505, or SQLite's extended result code. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toRow(run: AuditVerificationRun): AuditVerificationsTable {
  return {
    id: run.id,
    started_at: run.startedAt.getTime(),
    finished_at: run.finishedAt?.getTime() ?? null,
    started_by: run.startedBy,
    status: run.status,
    entries_checked: run.entriesChecked,
    entries_total: run.entriesTotal,
    chains: run.chains,
    first_problem: run.firstProblem,
    digest: run.digest,
    heartbeat_at: run.heartbeatAt.getTime(),
  };
}

function fromRow(row: Selectable<AuditVerificationsTable>): AuditVerificationRun {
  const status = STATUSES.find((s) => s === row.status) ?? 'failed';
  return {
    id: row.id,
    startedAt: new Date(Number(row.started_at)),
    finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)),
    startedBy: row.started_by,
    status,
    entriesChecked: Number(row.entries_checked),
    entriesTotal: Number(row.entries_total),
    chains: row.chains === null ? null : Number(row.chains),
    firstProblem: row.first_problem,
    digest: row.digest,
    heartbeatAt: new Date(Number(row.heartbeat_at)),
  };
}
