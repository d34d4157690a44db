import type { DirectoryAccount } from '../ports/directory.js';
import type { Tenant } from '../ports/tenants.js';
import type { PasswordContext } from '../password/password-policy.js';

/** The words a new password must not contain, taken from the account and its tenant. */
export function passwordContextOf(account: DirectoryAccount, tenant: Tenant | null): PasswordContext {
  return {
    username: account.username,
    email: account.email,
    displayName: account.displayName,
    tenantId: account.tenantId,
    tenantName: tenant?.name,
  };
}
