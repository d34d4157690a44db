import type { DirectoryAccount } from '../ports/directory.js';

/** Which identifier of a person a hook sends (config `hooks[].subject`). */
export type HookSubjectKind = 'username' | 'email' | 'upn' | 'id';

/**
 * The identifier of `account` a hook sends, or null when the account has none of that kind (no address, a
 * username without `@` and no `upnSuffix`): the delivery is then given up, never sent with a guess.
 */
export function hookSubjectOf(account: DirectoryAccount, kind: HookSubjectKind, upnSuffix?: string): string | null {
  switch (kind) {
    case 'username':
      return account.username;
    case 'email':
      return account.email ?? null;
    case 'id':
      return account.id;
    case 'upn':
      if (account.username.includes('@')) return account.username;
      return upnSuffix ? `${account.username}@${upnSuffix}` : null;
  }
}
