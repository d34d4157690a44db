import { STRATEGIES_BY_CHOICE } from '../methods/registry.js';
import type { ProofChoiceContext, ProofOption } from '../methods/proof-strategy.js';
import { nextProofNeeded, type PolicyDecision } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, RegisteredMethod } from '../ports/methods.js';

export { FIRST_PROOF_KINDS, type FirstProofKind } from '../methods/method-kinds.js';
export type { ProofChoiceContext, ProofOption } from '../methods/proof-strategy.js';

/** The registrations a proof can use now: confirmed, and for backup codes not yet spent. */
export function usableRegistrations(registered: readonly RegisteredMethod[]): RegisteredMethod[] {
  return registered.filter((m) => m.confirmed && !(m.kind === 'backup_code' && m.usedAt));
}

/**
 * The methods the next proof may use, masked, given the kinds proven so far: what the policy still needs
 * ({@link nextProofNeeded}) that the person holds, each kind's choices as its strategy builds them, in the
 * strategies' choice order. `registered` must be {@link usableRegistrations}.
 * Pure: the reset flow's second step and the policy simulation both ask it.
 */
export function proofChoices(
  account: DirectoryAccount,
  decision: PolicyDecision,
  proven: readonly MethodKind[],
  registered: readonly RegisteredMethod[],
  context: ProofChoiceContext,
): ProofOption[] {
  const needed = nextProofNeeded(decision, proven);
  if (needed.done) return [];
  const allowed = new Set<string>(needed.allowed);
  return STRATEGIES_BY_CHOICE.flatMap((strategy) =>
    allowed.has(strategy.descriptor.kind) && strategy.choices ? strategy.choices({ account, decision, registered, server: context }) : [],
  );
}
