import type { Kysely, Selectable, Transaction } from 'kysely';
import { newId } from '../../core/crypto/secrets.js';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { Database, UsersTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A user of the built-in store, as the repository returns it (with the hash, which never leaves the adapter). */
export interface StoredUser {
  id: string;
  tenantId: string;
  username: string;
  email: string | null;
  phone: string | null;
  displayName: string | null;
  groups: string[];
  passwordHash: string | null;
  enabled: boolean;
  locked: boolean;
  createdAt: Date;
  passwordChangedAt: Date | null;
  /** A one-time password the person must change at their next sign-in (set by a helpdesk agent). */
  mustChange: boolean;
}

export interface NewUser {
  tenantId: string;
  username: string;
  email?: string | null;
  phone?: string | null;
  displayName?: string | null;
  groups?: string[];
  passwordHash?: string | null;
  enabled?: boolean;
  locked?: boolean;
}

/** The built-in user store's rows. Usernames are unique per tenant after normalization. */
export class SqlUserRepository {
  constructor(private readonly db: Db) {}

  /** Rows whose normalized username or email equals the identifier (callers treat more than one as none). */
  async findByIdentifier(tenantId: string, normalized: string): Promise<StoredUser[]> {
    // Two index lookups joined by UNION (which also folds a row that matches both ways); an OR could scan.
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username_norm', '=', normalized)
      .union((qb) => qb.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('email_norm', '=', normalized))
      .limit(2)
      .execute();
    return rows.map(fromRow);
  }

  async findById(tenantId: string, id: string): Promise<StoredUser | null> {
    const row = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(tenantId?: string): Promise<StoredUser[]> {
    let query = this.db.selectFrom('users').selectAll().orderBy('tenant_id').orderBy('username_norm');
    if (tenantId) query = query.where('tenant_id', '=', tenantId);
    return (await query.execute()).map(fromRow);
  }

  /**
   * One page of a tenant's users in username order, after the user whose normalized username is `after`
   * (null: from the start). Keyset paging on the unique (tenant_id, username_norm) index: each page costs
   * the same however deep into the list it is. `next` is the cursor of the following page, null at the end.
   */
  async page(tenantId: string, after: string | null, limit: number): Promise<{ users: StoredUser[]; next: string | null }> {
    let query = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('username_norm').limit(limit);
    if (after !== null) query = query.where('username_norm', '>', after);
    const rows = await query.execute();
    return { users: rows.map(fromRow), next: rows.length === limit ? rows[rows.length - 1]!.username_norm : null };
  }

  async exists(tenantId: string, username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('username_norm', '=', normalizeIdentifier(username))
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(user: NewUser, now: Date): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('users')
      .values({
        id,
        tenant_id: user.tenantId,
        username: user.username,
        username_norm: normalizeIdentifier(user.username),
        email: user.email ?? null,
        email_norm: user.email ? normalizeIdentifier(user.email) : null,
        phone: user.phone ?? null,
        display_name: user.displayName ?? null,
        groups: JSON.stringify(user.groups ?? []),
        password_hash: user.passwordHash ?? null,
        enabled: user.enabled === false ? 0 : 1,
        locked: user.locked ? 1 : 0,
        created_at: now.getTime(),
        updated_at: now.getTime(),
        password_changed_at: user.passwordHash ? now.getTime() : null,
        must_change: 0,
      })
      .execute();
    return id;
  }

  /**
   * Sets the hash and clears a lockout: a person who proved who they are is let back in. `mustChange` marks a
   * one-time password; any write without it clears the mark (the person chose their own).
   */
  async setPasswordHash(tenantId: string, id: string, hash: string, now: Date, options: { mustChange?: boolean } = {}): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: hash, locked: 0, updated_at: now.getTime(), password_changed_at: now.getTime(), must_change: options.mustChange === true ? 1 : 0 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setFlags(tenantId: string, id: string, flags: { enabled?: boolean; locked?: boolean }, now: Date): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        ...(flags.enabled === undefined ? {} : { enabled: flags.enabled ? 1 : 0 }),
        ...(flags.locked === undefined ? {} : { locked: flags.locked ? 1 : 0 }),
        updated_at: now.getTime(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
}

function fromRow(row: Selectable<UsersTable>): StoredUser {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    phone: row.phone,
    displayName: row.display_name,
    groups: JSON.parse(row.groups) as string[],
    passwordHash: row.password_hash,
    enabled: Number(row.enabled) === 1,
    locked: Number(row.locked) === 1,
    createdAt: new Date(Number(row.created_at)),
    passwordChangedAt: row.password_changed_at === null ? null : new Date(Number(row.password_changed_at)),
    mustChange: Number(row.must_change) === 1,
  };
}
