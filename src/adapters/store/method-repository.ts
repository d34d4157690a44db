import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import { newId } from '../../core/crypto/secrets.js';
import type { MethodKind, MethodRepository, NewMethod, RegisteredMethod } from '../../core/ports/methods.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database, MethodsTable } from './schema.js';

/** Registered methods in SQL; secrets sealed with the key ring's `totp-seal` subkey. */
export class SqlMethodRepository implements MethodRepository {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    private readonly sealer: Sealer,
  ) {}

  within(tx: StoreTx): SqlMethodRepository {
    return new SqlMethodRepository(tx.native as Transaction<Database>, this.sealer);
  }

  async listForSubject(tenantId: string, subjectId: string): Promise<RegisteredMethod[]> {
    const rows = await this.db
      .selectFrom('methods')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async get(tenantId: string, id: string): Promise<RegisteredMethod | null> {
    const row = await this.db.selectFrom('methods').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async add(method: NewMethod, now: Date): Promise<string> {
    const id = method.id ?? newId();
    await this.db.insertInto('methods').values(this.toRow(id, method, now)).execute();
    return id;
  }

  async readSecret(tenantId: string, id: string): Promise<string | null> {
    const row = await this.db.selectFrom('methods').select('secret').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row?.secret ? this.sealer.open(row.secret) : null;
  }

  async confirm(tenantId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('methods')
      .set({ confirmed: 1, last_used_at: now.getTime() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordTotpStep(tenantId: string, id: string, step: number, now: Date): Promise<boolean> {
    // The comparison and the write are one statement: two requests with the same code cannot both pass.
    const result = await this.db
      .updateTable('methods')
      .set({ last_used_step: step, last_used_at: now.getTime() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markUsed(tenantId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('methods')
      .set({ used_at: now.getTime(), last_used_at: now.getTime() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async spendConfirmAttempt(tenantId: string, id: string, max: number): Promise<number | null> {
    // Check and count in one statement: concurrent guesses cannot get past the limit.
    const result = await this.db
      .updateTable('methods')
      .set((eb) => ({ confirm_attempts: eb('confirm_attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('confirmed', '=', 0)
      .where('confirm_attempts', '<', max)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const row = await this.db.selectFrom('methods').select('confirm_attempts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? Number(row.confirm_attempts) : null;
  }

  async lastReviewed(tenantId: string, subjectId: string): Promise<Date | null> {
    const row = await this.db.selectFrom('method_reviews').select('reviewed_at').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst();
    return row ? new Date(Number(row.reviewed_at)) : null;
  }

  async markReviewed(tenantId: string, subjectId: string, now: Date): Promise<void> {
    await this.db
      .insertInto('method_reviews')
      .values({ tenant_id: tenantId, subject_id: subjectId, reviewed_at: now.getTime() })
      .onConflict((oc) => oc.columns(['tenant_id', 'subject_id']).doUpdateSet({ reviewed_at: now.getTime() }))
      .execute();
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('methods').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async rename(tenantId: string, id: string, name: string): Promise<boolean> {
    const result = await this.db.updateTable('methods').set({ name }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async touch(tenantId: string, id: string, now: Date): Promise<boolean> {
    const result = await this.db.updateTable('methods').set({ last_used_at: now.getTime() }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async replaceBackupCodes(tenantId: string, subjectId: string, codes: ReadonlyArray<Record<string, unknown>>, now: Date): Promise<string[]> {
    const work = async (trx: Transaction<Database>) => {
      // Regenerating invalidates the whole old set, used or not.
      await trx.deleteFrom('methods').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).where('kind', '=', 'backup_code').execute();
      const ids: string[] = [];
      for (const [index, data] of codes.entries()) {
        const id = newId();
        ids.push(id);
        await trx
          .insertInto('methods')
          .values(this.toRow(id, { tenantId, subjectId, kind: 'backup_code', name: `Backup code ${index + 1}`, data, confirmed: true }, now))
          .execute();
      }
      return ids;
    };
    // Inside a caller's transaction already, or a transaction of its own.
    return this.db.isTransaction ? work(this.db as Transaction<Database>) : this.db.transaction().execute(work);
  }

  private toRow(id: string, method: NewMethod, now: Date): MethodsTable {
    return {
      id,
      tenant_id: method.tenantId,
      subject_id: method.subjectId,
      kind: method.kind,
      name: method.name,
      secret: method.secret ? this.sealer.seal(method.secret) : null,
      data: JSON.stringify(method.data ?? {}),
      confirmed: method.confirmed ? 1 : 0,
      last_used_step: null,
      created_at: now.getTime(),
      last_used_at: null,
      used_at: null,
      confirm_attempts: 0,
    };
  }
}

function fromRow(row: Selectable<MethodsTable>): RegisteredMethod {
  const time = (value: number | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    kind: row.kind as MethodKind,
    name: row.name,
    data: JSON.parse(row.data) as Record<string, unknown>,
    confirmed: Number(row.confirmed) === 1,
    lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    createdAt: new Date(Number(row.created_at)),
    lastUsedAt: time(row.last_used_at),
    usedAt: time(row.used_at),
  };
}
