import { sql, type Kysely, type RawBuilder } from 'kysely';
import { methodSecretKind, type KeyUsageCount } from '../../core/crypto/key-usage.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/**
 * The key id of a sealed value `v1.<keyId>.<iv>.<tag>.<ct>` in SQL. Key ids never hold a dot
 * (config: `[A-Za-z0-9_-]{1,32}`), so the id is what lies between the first two dots.
 */
export function sealedKeyId(dialect: DialectName, column: string): RawBuilder<string> {
  const col = sql.ref(column);
  return dialect === 'postgres' ? sql<string>`split_part(${col}, '.', 2)` : sql<string>`substr(${col}, 4, instr(substr(${col}, 4), '.') - 1)`;
}

/** `keyId` out of a JSON text column (backup-code data, challenge context); null when absent. */
function jsonKeyId(dialect: DialectName, column: string): RawBuilder<string | null> {
  const col = sql.ref(column);
  return dialect === 'postgres' ? sql<string | null>`(${col}::jsonb ->> 'keyId')` : sql<string | null>`json_extract(${col}, '$.keyId')`;
}

/**
 * Counts, per key id, everything still made with it: sealed method secrets (by method kind), sealed payloads
 * of messages not yet delivered, unused backup codes, and code HMACs still live at `now` (reset codes, texted
 * codes, challenges). Spent and expired records do not count: nothing will ever need their key again.
 * One aggregate query per table, so this is cheap enough to run at every start.
 */
export async function countKeyUsage(db: Kysely<Database>, dialect: DialectName, now: Date): Promise<KeyUsageCount[]> {
  const at = now.getTime();
  const counts: KeyUsageCount[] = [];
  const add = (keyId: string | null, kind: KeyUsageCount['kind'], n: unknown) => {
    if (keyId) counts.push({ keyId, kind, count: Number(n) });
  };

  const sealedId = sealedKeyId(dialect, 'secret');
  const secrets = await db
    .selectFrom('methods')
    .select((eb) => ['kind', sealedId.as('key_id'), eb.fn.countAll().as('n')])
    .where('secret', 'is not', null)
    .groupBy(['kind', sealedId])
    .execute();
  for (const row of secrets) add(row.key_id, methodSecretKind(row.kind), row.n);

  const payloadId = sealedKeyId(dialect, 'payload');
  const queued = await db
    .selectFrom('outbox')
    .select((eb) => [payloadId.as('key_id'), eb.fn.countAll().as('n')])
    .where('payload', 'is not', null)
    .groupBy(payloadId)
    .execute();
  for (const row of queued) add(row.key_id, 'queued_messages', row.n);

  const backupId = jsonKeyId(dialect, 'data');
  const backup = await db
    .selectFrom('methods')
    .select((eb) => [backupId.as('key_id'), eb.fn.countAll().as('n')])
    .where('kind', '=', 'backup_code')
    .where('used_at', 'is', null)
    .groupBy(backupId)
    .execute();
  for (const row of backup) add(row.key_id, 'backup_codes', row.n);

  // A reset flow may hold two live code HMACs: the emailed code and a texted second proof.
  const flowCodes = await db
    .selectFrom('reset_flows')
    .select((eb) => ['code_key_id as key_id', eb.fn.countAll().as('n')])
    .where('code_hash', 'is not', null)
    .where('expires_at', '>', at)
    .groupBy('code_key_id')
    .execute();
  for (const row of flowCodes) add(row.key_id, 'live_codes', row.n);
  const textedCodes = await db
    .selectFrom('reset_flows')
    .select((eb) => ['sms_code_key_id as key_id', eb.fn.countAll().as('n')])
    .where('sms_code_hash', 'is not', null)
    .where('sms_code_expires_at', '>', at)
    .where('expires_at', '>', at)
    .groupBy('sms_code_key_id')
    .execute();
  for (const row of textedCodes) add(row.key_id, 'live_codes', row.n);

  const challengeId = jsonKeyId(dialect, 'context');
  const challenges = await db
    .selectFrom('challenges')
    .select((eb) => [challengeId.as('key_id'), eb.fn.countAll().as('n')])
    .where('expires_at', '>', at)
    .groupBy(challengeId)
    .execute();
  for (const row of challenges) add(row.key_id, 'live_codes', row.n);

  return counts;
}
