import { UnlatchError } from '../errors.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import { accountLimitKey, firstExhausted, rateLimitedError } from '../limits.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { TenantCatalog } from '../ports/tenants.js';

/**
 * The account a secret typed at sign-in (a password, a temporary access pass) is checked against, behind the
 * password-guessing buckets: per IP before the lookup, per account (not per spelling: the identifier itself when
 * nothing matched) after it, one lookup either way. A blank or overlong identifier: `invalid_request`; an
 * exhausted bucket: `rate_limited` with its wait. `account` is null when nothing (or no tenant) matched.
 */
export async function accountBehindGuessLimits(
  deps: { directory: Directory; tenants: TenantCatalog; limiter: Limiter },
  tenantId: string,
  identifier: string,
  ip: string,
): Promise<{ account: DirectoryAccount | null; rateKey: string }> {
  const rateKey = normalizeIdentifier(identifier);
  if (rateKey.length === 0 || rateKey.length > 256) throw new UnlatchError('invalid_request', { field: 'identifier' });
  // Password checks share the change-password buckets: all of them guess the same kind of secret.
  const byIp = await firstExhausted(deps.limiter, [['change_ip', ip]]);
  if (byIp) throw rateLimitedError(byIp.retryAfterSeconds);
  const account = deps.tenants.get(tenantId) ? await deps.directory.findByIdentifier(tenantId, rateKey) : null;
  const byAccount = await firstExhausted(deps.limiter, [['change_identifier', `${tenantId}:${accountLimitKey(account, rateKey)}`]]);
  if (byAccount) throw rateLimitedError(byAccount.retryAfterSeconds);
  return { account, rateKey };
}
