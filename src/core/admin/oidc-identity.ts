import { UnlatchError } from '../errors.js';
import type { OidcClaims } from '../ports/oidc.js';
import type { ExternalIdentity } from './admin-sign-in.js';

/** Which claims name the person and list their groups (config `admin.oidc`). */
export interface OidcClaimNames {
  /** Default `groups`. */
  rolesClaim: string;
  /** Default `preferred_username`. */
  usernameClaim: string;
}

/** More groups than this is not a person's group list; longer names are not group names. */
const MAX_GROUPS = 1000;
const MAX_NAME = 256;

/**
 * The person the provider vouched for, as the console's sign-in takes them: `sub` as the subject, the
 * username claim (else `email`, else `sub`), `name` (else the username), and the roles claim's groups: an
 * array of strings, or one string for providers that send a single group. Anything else there counts as no
 * groups, so it grants nothing. Throws `sso_failed` (`claims_invalid`) when `sub` is unusable.
 */
export function identityFromClaims(claims: OidcClaims, names: OidcClaimNames, tenantId: string): ExternalIdentity {
  const subject = text(claims.sub);
  if (!subject) throw new UnlatchError('sso_failed', { reason: 'claims_invalid', claim: 'sub' });
  const username = text(claims[names.usernameClaim]) ?? text(claims.email) ?? subject;
  const displayName = text(claims.name) ?? username;
  return { tenantId, subject, username, displayName, groups: groupsOf(claims[names.rolesClaim]) };
}

function groupsOf(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const groups = list.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= MAX_NAME);
  return [...new Set(groups)].slice(0, MAX_GROUPS);
}

/** A usable non-empty string claim, trimmed, or undefined. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= MAX_NAME ? trimmed : undefined;
}
