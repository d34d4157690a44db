import type { Kysely } from 'kysely';
import type { Clock } from '../../core/ports/clock.js';
import type { Argon2Hasher } from '../directory/password-hasher.js';
import type { Database } from './schema.js';
import { SqlUserRepository } from './user-repository.js';

/** The demo tenant's people (dev mode). Their passwords are printed in the README; never use them elsewhere. */
export const DEMO_USERS = [
  { username: 'alice', email: 'alice@example.com', displayName: 'Alice Archer', password: 'violet sandwich glacier' },
  { username: 'bob', email: 'bob@example.com', displayName: 'Bob Brooks', password: 'copper lantern meadow' },
  { username: 'carol', email: 'carol@example.com', displayName: 'Carol Chen', password: 'quiet harbor pinwheel' },
] as const;

/** Adds the demo users to `tenantId` once; a tenant that already has any user is left alone. */
export async function seedDemoUsers(db: Kysely<Database>, hasher: Argon2Hasher, clock: Clock, tenantId: string): Promise<number> {
  const users = new SqlUserRepository(db);
  if ((await users.list(tenantId)).length > 0) return 0;
  const hashes = await Promise.all(DEMO_USERS.map((u) => hasher.hash(u.password)));
  await db.transaction().execute(async (trx) => {
    const repo = new SqlUserRepository(trx);
    for (const [i, user] of DEMO_USERS.entries()) {
      await repo.insert({ tenantId, username: user.username, email: user.email, displayName: user.displayName, passwordHash: hashes[i]! }, clock.now());
    }
  });
  return DEMO_USERS.length;
}

/**
 * The demo tenant's console operator (dev mode only): in the `unlatch-admins` group, with an authenticator
 * app already registered under a seed printed in the README and at the dev start, so the console can be tried
 * at once. Production never seeds anyone: its first operator is whoever the configured admin group holds.
 */
export const DEMO_OPERATOR = {
  username: 'opal',
  email: 'opal@example.com',
  displayName: 'Opal Operator',
  password: 'amber console lighthouse',
  group: 'unlatch-admins',
  /** Base32 TOTP seed (RFC 6238, SHA-1, 6 digits, 30 s): add it to any authenticator app. Dev only. */
  totpSeed: 'KRSXG5CVNZWGC5DDNBCGK3LPN5YHAYLM',
} as const;

/** Adds the demo operator to `tenantId` once (by username); returns whether it was added. */
export async function seedDemoOperator(
  db: Kysely<Database>,
  hasher: Argon2Hasher,
  clock: Clock,
  tenantId: string,
  addTotp: (subjectId: string) => Promise<void>,
): Promise<boolean> {
  const users = new SqlUserRepository(db);
  if ((await users.list(tenantId)).some((u) => u.username === DEMO_OPERATOR.username)) return false;
  const id = await users.insert({
    tenantId, username: DEMO_OPERATOR.username, email: DEMO_OPERATOR.email, displayName: DEMO_OPERATOR.displayName,
    groups: [DEMO_OPERATOR.group], passwordHash: await hasher.hash(DEMO_OPERATOR.password),
  }, clock.now());
  await addTotp(id);
  return true;
}
