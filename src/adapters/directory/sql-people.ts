import type { DirectoryAccount, DirectoryAccountDetails } from '../../core/ports/directory.js';
import type { SqlUserRepository, StoredUser } from '../store/user-repository.js';
import { matchesText } from './people-query.js';

/**
 * Searching and listing the built-in directory's people, page by page in username order (keyset paging
 * on the unique (tenant_id, username_norm) index).
 */

/** Rows read per page while searching. */
const SEARCH_SCAN_PAGE = 500;

/**
 * Up to `limit` users of the tenant whose username, email or display name contains `text`, in username
 * order. Matched in code, page by page: SQLite's `lower()` and `LIKE` fold ASCII letters only (`Jürgen`
 * would not meet `JÜRGEN`), and a substring match scans the rows either way. Stops at the `limit`-th match.
 */
export async function searchSqlPeople(users: SqlUserRepository, tenantId: string, text: string, limit: number): Promise<StoredUser[]> {
  const found: StoredUser[] = [];
  if (limit === 0 || text === '') return found;
  let after: string | null = null;
  do {
    const page: { users: StoredUser[]; next: string | null } = await users.page(tenantId, after, SEARCH_SCAN_PAGE);
    for (const user of page.users) {
      if (!matchesText({ username: user.username, email: user.email ?? undefined, displayName: user.displayName ?? undefined }, text)) continue;
      found.push(user);
      if (found.length === limit) return found;
    }
    after = page.next;
  } while (after !== null);
  return found;
}

/** Every user of the tenant, `pageSize` rows per query; only one page is held at a time. */
export async function* listSqlPeople(users: SqlUserRepository, tenantId: string, pageSize: number): AsyncGenerator<StoredUser> {
  let after: string | null = null;
  do {
    const page: { users: StoredUser[]; next: string | null } = await users.page(tenantId, after, pageSize);
    yield* page.users;
    after = page.next;
  } while (after !== null);
}

/**
 * What the built-in store tells beyond the account: when the password was set, when it expires (set time +
 * `maxPasswordAgeDays`; null without a maximum age or without a password), whether it is a one-time one.
 */
export function sqlAccountDetails(user: StoredUser | null, maxPasswordAgeDays?: number): DirectoryAccountDetails {
  if (!user) return {};
  const expires = maxPasswordAgeDays !== undefined && user.passwordChangedAt !== null;
  return {
    passwordLastSetAt: user.passwordChangedAt,
    passwordExpiresAt: expires ? new Date(user.passwordChangedAt!.getTime() + maxPasswordAgeDays * DAY_MS) : null,
    mustChangePassword: user.mustChange,
    attributes: { createdAt: user.createdAt.toISOString(), ...(user.mustChange ? { mustChangePassword: 'true' } : {}) },
  };
}

const DAY_MS = 86_400_000;

/** A stored user as the Directory port's account (the hash stays behind). */
export function sqlAccountOf(user: StoredUser): DirectoryAccount {
  return {
    id: user.id,
    tenantId: user.tenantId,
    username: user.username,
    email: user.email ?? undefined,
    phone: user.phone ?? undefined,
    displayName: user.displayName ?? undefined,
    groups: user.groups,
    enabled: user.enabled,
    locked: user.locked,
  };
}
