import { decidePolicy, honourStrongest, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../ports/methods.js';
import { usableRegistrations } from './proof-choices.js';
import { applyOverride } from '../incident/policy-override.js';
import type { PolicyOverrideLookup } from '../incident/incident-store.js';
import type { FlowRisk } from '../risk/risk-types.js';
import { stepUp } from '../risk/step-up.js';

/**
 * The policy decision for a reset's person: {@link decidePolicy} for their groups, then
 * {@link honourStrongest} over the kinds they hold (confirmed, backup codes unspent), with those registrations;
 * then the flow's risk (`risk`: a `step_up` asks one proof more, a strong one where they hold one; see `stepUp`).
 * Every step of a reset that judges or offers proofs asks this, so they cannot disagree.
 */
export async function personDecision(
  deps: { methods: MethodRepository; policyFor: (tenantId: string) => TenantPolicy; policyOverrides?: PolicyOverrideLookup },
  account: DirectoryAccount,
  risk?: FlowRisk | null,
): Promise<{ decision: PolicyDecision; registered: RegisteredMethod[] }> {
  const registered = usableRegistrations(await deps.methods.listForSubject(account.tenantId, account.id));
  const held = registered.map((m) => m.kind);
  // An incident's `strict` mode (docs/incident-response.md): two proofs, one strong, until it expires.
  const override = (await deps.policyOverrides?.overrideFor(account.tenantId, account.id)) ?? null;
  const decision = stepUp(honourStrongest(applyOverride(decidePolicy(deps.policyFor(account.tenantId), account), override), held), held, risk);
  return { decision, registered };
}
