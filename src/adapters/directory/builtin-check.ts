import type { Kysely } from 'kysely';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { Database } from '../store/schema.js';
import { SqlUserRepository } from '../store/user-repository.js';
import { missing, ok, skipped, type CheckItem } from './check-item.js';

/**
 * The checks of the built-in directory: its accounts are rows in Unlatch's own database, so the questions
 * are whether that answers and whether the test person is there. Unlatch may always write its own table.
 * `where` names the database for people (never with its password). Errors propagate: see {@link builtinCheckFailure}.
 */
export async function checkBuiltinUsers(db: Kysely<Database>, where: string, tenantId: string, user: string | undefined): Promise<CheckItem[]> {
  const users = new SqlUserRepository(db);
  const count = (await users.list(tenantId)).length;
  const items = [ok(`database ${where}`, 'answers'), ok('people', `${count} in tenant ${tenantId}`)];
  if (user === undefined) return items;
  const matches = await users.findByIdentifier(tenantId, normalizeIdentifier(user));
  if (matches.length !== 1) {
    items.push(missing(`find ${user}`, matches.length === 0 ? 'no such user in the built-in directory' : 'several users match; Unlatch treats that as no match'));
  } else {
    items.push(ok(`find ${user}`, matches[0]!.passwordHash ? 'found' : 'found, but has no password yet (sign-in cannot work)'));
    items.push(ok('reset password, unlock', 'Unlatch writes its own table'));
  }
  return items;
}

/** The report when the database could not be asked: `message` is the error on one line. */
export function builtinCheckFailure(where: string, message: string): CheckItem[] {
  if (/no such table|does not exist/i.test(message)) return [missing(`database ${where}`, 'has no tables yet (run: unlatch migrate)')];
  return [missing(`database ${where}`, message), skipped('everything else', 'needs the database')];
}
