import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../core/ports/clock.js';
import type {
  Directory,
  DirectoryAccount,
  DirectoryAccountDetails,
  ListPeopleOptions,
  PasswordWriteOptions,
  PreparedPasswordWrite,
} from '../../core/ports/directory.js';
import { UnlatchError } from '../../core/errors.js';
import type { Database } from '../store/schema.js';
import { SqlUserRepository } from '../store/user-repository.js';
import type { Argon2Hasher } from './password-hasher.js';
import { pageSizeOf, searchLimitOf, searchTextOf } from './people-query.js';
import { listSqlPeople, searchSqlPeople, sqlAccountDetails, sqlAccountOf as toAccount } from './sql-people.js';

/** The built-in store's settings (the `builtin` directory entry's keys). */
export interface SqlDirectoryOptions {
  /** Days a password lasts: `accountDetails` then reports `passwordExpiresAt`. Unset: passwords never expire. */
  maxPasswordAgeDays?: number;
}

/**
 * The built-in user store as a Directory: passwords are argon2id hashes in the same database as the flows.
 * A one-time password (`mustChange`) is a flag on the row that only a later write clears; the password
 * still verifies (the person signs in with it to choose their own), `accountDetails` tells the flag.
 */
export class SqlDirectory implements Directory {
  private readonly users: SqlUserRepository;

  constructor(
    db: Kysely<Database>,
    private readonly hasher: Argon2Hasher,
    private readonly clock: Clock,
    private readonly options: SqlDirectoryOptions = {},
  ) {
    this.users = new SqlUserRepository(db);
  }

  async findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null> {
    const matches = await this.users.findByIdentifier(tenantId, normalizedIdentifier);
    // SECURITY.md: an identifier that matches several accounts (a shared email) matches none.
    return matches.length === 1 ? toAccount(matches[0]!) : null;
  }

  async findById(tenantId: string, id: string): Promise<DirectoryAccount | null> {
    const user = await this.users.findById(tenantId, id);
    return user ? toAccount(user) : null;
  }

  async verifyPassword(account: DirectoryAccount, password: string): Promise<boolean> {
    const user = await this.users.findById(account.tenantId, account.id);
    if (!user || !user.enabled || !user.passwordHash) {
      await this.hasher.verifyDummy(password);
      return false;
    }
    return this.hasher.verify(user.passwordHash, password);
  }

  verifyDummy(password: string): Promise<void> {
    return this.hasher.verifyDummy(password);
  }

  async preparePasswordWrite(account: DirectoryAccount, newPassword: string, options: PasswordWriteOptions = {}): Promise<PreparedPasswordWrite> {
    // Hash outside the transaction: argon2 takes tens of milliseconds and must not hold the database.
    const hash = await this.hasher.hash(newPassword);
    const mustChange = options.mustChange === true;
    return {
      commit: async (tx) => {
        const users = new SqlUserRepository(tx.native as Transaction<Database>);
        // One update: the hash and the flag stand or fall together, in the flow's own transaction.
        if (!(await users.setPasswordHash(account.tenantId, account.id, hash, this.clock.now(), { mustChange }))) {
          throw new UnlatchError('flow_invalid');
        }
      },
    };
  }

  /** Every account of the store can carry a one-time password. */
  supportsMustChange(): boolean {
    return true;
  }

  /** The `must_change` flag alone, in the caller's transaction (an incident's forced reset). */
  async requirePasswordChange(account: DirectoryAccount): Promise<PreparedPasswordWrite> {
    return {
      commit: async (tx) => {
        const trx = tx.native as Transaction<Database>;
        const result = await trx.updateTable('users').set({ must_change: 1, updated_at: this.clock.now().getTime() }).where('tenant_id', '=', account.tenantId).where('id', '=', account.id).where('enabled', '=', 1).executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new UnlatchError('flow_invalid');
      },
    };
  }

  async changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite> {
    // verifyPassword already answers false (after the same argon2 work) for a disabled or vanished account.
    if (!(await this.verifyPassword(account, oldPassword))) throw new UnlatchError('invalid_credentials');
    return this.preparePasswordWrite(account, newPassword);
  }

  async unlock(account: DirectoryAccount): Promise<void> {
    const user = await this.users.findById(account.tenantId, account.id);
    // Gone, or disabled since it was found: an unlock does not enable an account (as in LDAP and AD).
    if (!user || !user.enabled) throw new UnlatchError('flow_invalid');
    await this.users.setFlags(account.tenantId, account.id, { locked: false }, this.clock.now());
  }

  /** Users whose username, email or display name contains `text` (case-insensitive), in username order. */
  async searchPeople(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    const matches = await searchSqlPeople(this.users, tenantId, searchTextOf(text), searchLimitOf(limit));
    return matches.map(toAccount);
  }

  /** Every user of the tenant in username order, one keyset page at a time. */
  async *listPeople(tenantId: string, options?: ListPeopleOptions): AsyncIterable<DirectoryAccount> {
    for await (const user of listSqlPeople(this.users, tenantId, pageSizeOf(options))) yield toAccount(user);
  }

  /** When the password was set and expires, whether it must change (the store keeps no lockout time); `{}` when gone. */
  async accountDetails(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    return sqlAccountDetails(await this.users.findById(account.tenantId, account.id), this.options.maxPasswordAgeDays);
  }
}
