import type { Clock } from '../../core/ports/clock.js';
import type { DirectoryAccount } from '../../core/ports/directory.js';

/** Most accounts kept at once: a bound, so a burst of lookups cannot grow the process without limit. */
const MAX_ENTRIES = 10_000;

/**
 * Accounts read from LDAP/AD, kept for a few seconds (`groupCacheSeconds`), by tenant and account id.
 *
 * A flow asks for the same account several times (the policy engine reads its groups at each step); each ask
 * would otherwise be a new connection, TLS handshake, bind and search, plus a group search in `search` or
 * nested mode. Only found accounts are kept: a miss is asked again next time, so an account created a moment
 * ago is found at once. Writes and unlocks through Unlatch drop the entry; changes made elsewhere (an
 * administrator disabling the account) show after at most the configured seconds, or at once to a read
 * that asks for it (`findById` with `fresh: true`, which callers use before a write or an unlock).
 *
 * Node-local on purpose: it only saves round trips, and another node without it still answers correctly.
 */
export class AccountCache {
  private readonly entries = new Map<string, { account: DirectoryAccount; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  /** The account while it is fresh; a copy, so a caller that changes it cannot change what others get. */
  get(tenantId: string, id: string): DirectoryAccount | null {
    const key = keyOf(tenantId, id);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return null;
    }
    return copy(entry.account);
  }

  /** Keeps `account` (whose `id` is the id callers use) for `seconds`; 0 keeps nothing. */
  set(account: DirectoryAccount, seconds: number): void {
    if (seconds <= 0) return;
    const key = keyOf(account.tenantId, account.id);
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.evict();
    this.entries.set(key, { account: copy(account), expiresAt: this.clock.now().getTime() + seconds * 1000 });
  }

  /** Forgets an account (its password, lock or groups may just have changed). */
  delete(tenantId: string, id: string): void {
    this.entries.delete(keyOf(tenantId, id));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops what has expired, and if that is not enough, the oldest tenth (a Map iterates in insertion order). */
  private evict(): void {
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    let excess = this.entries.size - Math.floor(MAX_ENTRIES * 0.9);
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
    }
  }
}

function keyOf(tenantId: string, id: string): string {
  // NUL cannot occur in a tenant id (config allows [a-z0-9-]), so no two pairs share a key.
  return `${tenantId}\u0000${id}`;
}

function copy(account: DirectoryAccount): DirectoryAccount {
  return { ...account, groups: [...account.groups] };
}
