import type { PolicyDecision } from '../policy/method-policy.js';
import type { MethodKind } from '../ports/methods.js';
import type { FlowRisk } from './risk-types.js';

/** A policy decision as a risky flow's step-up left it: `stepUp` says the risk engine raised it (audit, pages). */
export type SteppedDecision = PolicyDecision & { stepUp?: true };

/**
 * The decision a flow's risk asks for. With the action `step_up` (issue 13), a reset needs one proof more than the
 * person's policy asks (`requiredMethods` 1 → 2; a policy that already needs 2 keeps 2), and one of them of a strong
 * kind (`requireStrong`) when the person holds an allowed strong method (`held`: their usable registrations'
 * kinds). Someone without a strong method is not asked for one they cannot give; someone without a second method
 * cannot finish and is sent to the helpdesk (the second-proof page with no choices). Any other action, no recorded
 * risk, or SSPR off: the decision unchanged. Pure: judging, offering and texting proofs all ask it, through
 * `personDecision`, so they cannot disagree.
 *
 * A temporary access pass still completes the proofs alone: the helpdesk checked the caller before issuing it.
 */
export function stepUp(decision: PolicyDecision, held: readonly MethodKind[], risk: FlowRisk | null | undefined): SteppedDecision {
  if (risk?.action !== 'step_up' || !decision.ssprEnabled) return decision;
  const allowed = new Set(decision.allowedMethods);
  const strong = decision.strongMethods.filter((kind) => allowed.has(kind));
  const holdsStrong = held.some((kind) => strong.includes(kind));
  return { ...decision, requiredMethods: 2, requireStrong: decision.requireStrong || holdsStrong, stepUp: true };
}

/** Whether a flow's proofs are judged under a step-up (the proof entries say `stepUp: true`). */
export function isSteppedUp(risk: FlowRisk | null | undefined): boolean {
  return risk?.action === 'step_up';
}
