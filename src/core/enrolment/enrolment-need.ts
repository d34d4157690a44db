import { methodFamily, proofsSatisfy, usableMethods, type PolicyDecision } from '../policy/method-policy.js';
import type { MethodKind } from '../ports/methods.js';

/** What a person still has to register for their policy, counting only methods of their own. */
export interface EnrolmentNeed {
  /** Their own usable methods satisfy the policy: nothing to do. */
  satisfied: boolean;
  /** SSPR is off for them (excluded, or a rule turns it off): no reminder, nothing to register. */
  outOfScope: boolean;
  /** How many more kinds of method (of different families) they need. */
  moreKinds: number;
  /** The policy wants a strong method and they have none. */
  needsStrong: boolean;
  /** Kinds they could add that would count (allowed, not yet registered; strong ones only when that is all that helps). */
  suggested: MethodKind[];
}

/**
 * Whether a person's OWN registered methods satisfy their policy, the computation behind enrolment reminders,
 * the `/enroll` interrupt and the enrolment report. The directory's own email and phone are left out on
 * purpose, whatever `directoryEmail` says: in a company that mailbox belongs to the very account that is
 * locked, so it cannot be what gets a locked-out person back in. Pass only usable kinds (confirmed, backup
 * codes unspent).
 */
export function enrolmentNeed(decision: PolicyDecision, ownKinds: readonly MethodKind[]): EnrolmentNeed {
  if (!decision.ssprEnabled) return { satisfied: true, outOfScope: true, moreKinds: 0, needsStrong: false, suggested: [] };
  const usable = usableMethods(decision, ownKinds);
  const satisfied = proofsSatisfy(decision, usable);
  const families = new Set(usable.map(methodFamily));
  const needsStrong = decision.requireStrong && !usable.some((kind) => decision.strongMethods.includes(kind));
  const moreKinds = Math.max(0, decision.requiredMethods - families.size, needsStrong ? 1 : 0);
  const onlyStrong = needsStrong && decision.requiredMethods - families.size <= 1;
  // Security questions are a second proof only: never suggested as what gets someone going.
  const suggested = satisfied
    ? []
    : decision.allowedMethods.filter((kind) => kind !== 'questions' && !families.has(methodFamily(kind)) && (!onlyStrong || decision.strongMethods.includes(kind)));
  return { satisfied, outOfScope: false, moreKinds: satisfied ? 0 : Math.max(1, moreKinds), needsStrong, suggested: [...new Set(suggested)] };
}
