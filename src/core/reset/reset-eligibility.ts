import { UnlatchError } from '../errors.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import { distinctAddresses } from '../methods/email_code/contact-emails.js';
import { decidePolicy, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import { isServiceAccount } from '../policy/service-accounts.js';
import type { FlowPurpose } from './reset-flow-record.js';

/** Longest identifier accepted; longer input is refused before any lookup. */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * An identifier as a reset looks it up (normalized once: NFKC, trimmed, case-folded); empty or overlong input
 * is `invalid_request` before any lookup.
 */
export function resetIdentifier(raw: string): string {
  const identifier = normalizeIdentifier(raw);
  if (identifier.length === 0 || identifier.length > MAX_IDENTIFIER_LENGTH) {
    throw new UnlatchError('invalid_request', { field: 'identifier' });
  }
  return identifier;
}

/**
 * Why a start gets a decoy flow instead of a real one (the `reason` of a decoy `reset.started` audit entry):
 * no single account matched (`unknown_account`), the account is disabled, a member of an excluded group,
 * SSPR is off for it by a rule or the tenant (`sspr_disabled`), an unlock flow where unlocking is off, or
 * there is no mailbox to send the code to (`no_method`), or self-service is paused for the account after the person
 * reported a change as not theirs (`held`, until an operator ends it). A privileged or service account
 * (`serviceAccounts`) is `service_account` before anything else, enabled or not: every attempt on one is suspicious.
 * `risk_denied`: the risk engine's decision was `deny` for an account that would otherwise have had a real flow.
 */
export type ResetRefusal = 'unknown_account' | 'disabled' | 'excluded' | 'sspr_disabled' | 'unlock_disabled' | 'no_method' | 'held' | 'service_account' | 'risk_denied';

/**
 * Why an account gets a decoy instead of a real flow, or null when it may go on. `hasAddress`: somewhere to
 * mail the code. An unlock flow also needs the policy to allow unlocking. The one decision every start and
 * every completion makes, and the one the policy simulation reports.
 */
export function resetRefusal(
  account: Pick<DirectoryAccount, 'tenantId' | 'enabled' | 'groups' | 'attributes'> | null,
  policyFor: (tenantId: string) => TenantPolicy,
  hasAddress: boolean,
  purpose: FlowPurpose,
  held = false,
): ResetRefusal | null {
  if (!account) return 'unknown_account';
  if (isServiceAccount(policyFor(account.tenantId).serviceAccounts, account)) return 'service_account';
  if (!account.enabled) return 'disabled';
  if (held) return 'held';
  const decision = decidePolicy(policyFor(account.tenantId), account);
  if (!decision.ssprEnabled) return decision.reason === 'excluded' ? 'excluded' : 'sspr_disabled';
  if (purpose === 'unlock' && !decision.unlockEnabled) return 'unlock_disabled';
  if (!hasAddress) return 'no_method';
  return null;
}

/** What a start decides about the account it found (see {@link startEligibility}). */
export interface StartEligibility {
  /** Null: a real flow; otherwise the decoy's reason. */
  refusal: ResetRefusal | null;
  /** The mailboxes the code goes to: the directory's (when the policy trusts it) and the confirmed extra ones. */
  addresses: string[];
  /** The mail carries a link too (`email_link` allowed: the person's policy, or the tenant's defaults for a decoy). */
  linkAllowed: boolean;
  /** The person's policy decision; null when no account matched. */
  decision: PolicyDecision | null;
}

/**
 * What the start of a reset decides for the account a lookup found (or null): where the code goes, whether
 * the flow is real or a decoy and why, and whether the mail carries a link. Pure: the caller looked the
 * account up and read its confirmed extra addresses (`extraEmails`).
 */
export function startEligibility(input: {
  tenantId: string;
  account: DirectoryAccount | null;
  policyFor: (tenantId: string) => TenantPolicy;
  extraEmails: readonly string[];
  purpose: FlowPurpose;
  /** Self-service is paused for the account (a confirmed "this wasn't me" report). */
  held?: boolean;
  /** The risk engine said `deny`: the neutral decoy answer (docs/risk.md). */
  riskDenied?: boolean;
}): StartEligibility {
  const { tenantId, account, policyFor, purpose } = input;
  const decision = account ? decidePolicy(policyFor(tenantId), account) : null;
  const trustsDirectoryEmail = decision ? decision.directoryEmail : true;
  const addresses = distinctAddresses([trustsDirectoryEmail ? account?.email : undefined, ...input.extraEmails]);
  const refusal = resetRefusal(account, policyFor, addresses.length > 0, purpose, input.held) ?? (input.riskDenied ? 'risk_denied' : null);
  // A decoy asks the tenant's defaults, so its mail looks like everyone else's.
  const linkAllowed = (refusal === null && decision ? decision : policyFor(tenantId).defaults).allowedMethods.includes('email_link');
  return { refusal, addresses, linkAllowed, decision };
}

/**
 * Whether a refused start is suspicious (audited with `suspicious: true`, counted in
 * `unlatch_suspicious_attempts_total`): an attempt on a privileged or service account. The answer stays the decoy.
 */
export function isSuspicious(refusal: ResetRefusal | null): refusal is 'service_account' {
  return refusal === 'service_account';
}
