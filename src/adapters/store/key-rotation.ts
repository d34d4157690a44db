import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { KeyPurpose, KeyRing } from '../../core/crypto/key-ring.js';
import { Sealer } from '../../core/crypto/sealer.js';
import type { Database } from './schema.js';

/** One column of sealed values that rotation re-seals, with the rows it covers. */
interface RotationTarget {
  /** Shown in progress lines: "authenticator seeds: 2/5". */
  label: string;
  table: 'methods' | 'outbox';
  idColumn: string;
  column: string;
  purpose: KeyPurpose;
  /** Narrows the rows (by method kind), so each kind reports its own progress. */
  where: RawBuilder<unknown> | null;
}

const OTHER_METHOD_KINDS = sql`kind not in ('totp', 'questions')`;

/** Everything sealed at rest, in the order it is rotated. */
const TARGETS: readonly RotationTarget[] = [
  { label: 'authenticator seeds', table: 'methods', idColumn: 'id', column: 'secret', purpose: 'totp-seal', where: sql`kind = 'totp'` },
  { label: 'security-question answers', table: 'methods', idColumn: 'id', column: 'secret', purpose: 'totp-seal', where: sql`kind = 'questions'` },
  { label: 'other method secrets', table: 'methods', idColumn: 'id', column: 'secret', purpose: 'totp-seal', where: OTHER_METHOD_KINDS },
  { label: 'queued messages', table: 'outbox', idColumn: 'idempotency_key', column: 'payload', purpose: 'outbox-seal', where: null },
];

/** Where one target stands after a batch. */
export interface RotationProgress {
  label: string;
  /** Rows not under the newest key when this target began. */
  total: number;
  resealed: number;
  /** Rows whose key is not in the ring or whose value does not open (altered): left as they are. */
  unreadable: number;
  /** Rows that changed or went away between read and write (a concurrent write won): left as they are. */
  changed: number;
}

export interface RotationDeps {
  db: Kysely<Database>;
  keys: KeyRing;
  /** Rows re-sealed per transaction. */
  batchSize: number;
  /** Stop after this many batches in all (a later run goes on from there); default: no limit. */
  maxBatches?: number;
  onProgress?: (progress: RotationProgress) => void;
}

export interface RotationResult {
  targets: RotationProgress[];
  /** False when `maxBatches` stopped the run before every target was done. */
  complete: boolean;
}

/**
 * Re-seals every value sealed under an older key with the newest key, a batch at a time, each batch in its own
 * transaction. Resumable: a run selects only values not under the newest key, so a rerun after a stop or a
 * crash goes on where the last committed batch ended. Each update is conditional on the old value
 * (`where secret = <old>`), so a value changed meanwhile (say, a person re-registering their app) is never
 * overwritten with stale data.
 */
export async function rotateSealedData(deps: RotationDeps): Promise<RotationResult> {
  const budget = { batches: deps.maxBatches ?? Number.POSITIVE_INFINITY };
  const targets: RotationProgress[] = [];
  // Every target is visited even once the budget is spent, so the totals always cover all of them.
  for (const target of TARGETS) targets.push(await rotateTarget(deps, target, budget));
  return { targets, complete: targets.every((t) => t.resealed + t.unreadable + t.changed >= t.total) };
}

async function rotateTarget(deps: RotationDeps, target: RotationTarget, budget: { batches: number }): Promise<RotationProgress> {
  const { db, keys } = deps;
  const sealer = new Sealer(keys, target.purpose);
  const table = sql.table(target.table);
  const id = sql.ref(target.idColumn);
  const column = sql.ref(target.column);
  const newest = `v1.${keys.currentId}.`;
  // substr rather than LIKE: key ids may hold `_`, a LIKE wildcard.
  const stale = sql`${column} is not null and substr(${column}, 1, ${newest.length}) <> ${newest}${target.where ? sql` and ${target.where}` : sql``}`;

  const countRow = await sql<{ n: number | string }>`select count(*) as n from ${table} where ${stale}`.execute(db);
  const progress: RotationProgress = { label: target.label, total: Number(countRow.rows[0]?.n ?? 0), resealed: 0, unreadable: 0, changed: 0 };
  if (progress.total === 0) return progress;

  // The cursor moves past rows that are left as they are (unreadable, changed), so a run always ends.
  let after: string | null = null;
  while (budget.batches > 0) {
    const cursor: RawBuilder<unknown> = after === null ? sql`` : sql` and ${id} > ${after}`;
    const batch = await sql<{ id: string; value: string }>`select ${id} as id, ${column} as value from ${table} where ${stale}${cursor} order by ${id} limit ${deps.batchSize}`.execute(db);
    if (batch.rows.length === 0) break;
    budget.batches -= 1;
    after = batch.rows.at(-1)!.id;
    await db.transaction().execute(async (trx) => {
      for (const row of batch.rows) {
        let plaintext: string;
        try {
          plaintext = sealer.open(row.value);
        } catch {
          progress.unreadable += 1;
          continue;
        }
        const result = await sql`update ${table} set ${column} = ${sealer.seal(plaintext)} where ${id} = ${row.id} and ${column} = ${row.value}`.execute(trx);
        if (Number(result.numAffectedRows ?? 0) === 1) progress.resealed += 1;
        else progress.changed += 1;
      }
    });
    deps.onProgress?.({ ...progress });
  }
  return progress;
}
