import { decidePolicy, honourStrongest, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../ports/methods.js';
import { usableRegistrations } from './proof-choices.js';

/**
 * The policy decision for a reset's person: {@link decidePolicy} for their groups, then
 * {@link honourStrongest} over the kinds they hold (confirmed, backup codes unspent), with those registrations.
 * Every step of a reset that judges or offers proofs asks this, so they cannot disagree.
 */
export async function personDecision(
  deps: { methods: MethodRepository; policyFor: (tenantId: string) => TenantPolicy },
  account: DirectoryAccount,
): Promise<{ decision: PolicyDecision; registered: RegisteredMethod[] }> {
  const registered = usableRegistrations(await deps.methods.listForSubject(account.tenantId, account.id));
  const decision = honourStrongest(decidePolicy(deps.policyFor(account.tenantId), account), registered.map((m) => m.kind));
  return { decision, registered };
}
