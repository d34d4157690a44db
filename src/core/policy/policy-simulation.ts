import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, RegisteredMethod } from '../ports/methods.js';
import type { FlowPurpose } from '../reset/reset-flow-record.js';
import { FIRST_PROOF_KINDS, proofChoices, usableRegistrations, type ProofChoiceContext } from '../reset/proof-choices.js';
import { resetRefusal, startEligibility, type ResetRefusal } from '../reset/reset-eligibility.js';
import { markingGroups } from './service-accounts.js';
import { decidePolicy, honourStrongest, methodFamily, METHOD_KINDS, nextProofNeeded, proofsSatisfy, usableMethods, type PolicyDecision, type TenantPolicy } from './method-policy.js';
import { ruleLabel } from './rule-label.js';

/** Whom to simulate: a person as the directory returned them (null: no single account matched), or only groups. */
export type SimulationSubject =
  | { kind: 'person'; account: DirectoryAccount | null; registered: readonly RegisteredMethod[] }
  | { kind: 'groups'; groups: readonly string[] };

/** The input of {@link simulatePolicy}. */
export interface SimulationInput {
  tenantId: string;
  /** The tenant's policy, as the reset flow gets it (`policyFor(tenantId)`). */
  policy: TenantPolicy;
  subject: SimulationSubject;
  /** `reset` (default) or `unlock`. */
  purpose?: FlowPurpose;
  /** What the server offers beyond registrations: SMS providers configured, security questions checkable. */
  channels?: Pick<ProofChoiceContext, 'sms' | 'questions'>;
}

/** What a second step would offer after one first proof. */
export interface SecondStep {
  /** The kind of the first proof. */
  after: MethodKind;
  /** That first proof alone completes the policy. */
  complete: boolean;
  /** The kinds the second step would offer (empty when complete). */
  offered: MethodKind[];
}

/** What would happen if the person (or a member of the groups) started a reset now. */
export interface PolicySimulation {
  /** `decoy`: the start looks the same to the person, but nothing can ever be proven. */
  outcome: 'allowed' | 'decoy';
  /** For a decoy, the reason its `reset.started` audit entry records (`details.reason`); null when allowed. */
  refusal: ResetRefusal | null;
  /** Stable reason codes, the deciding one first (see {@link reasonText}): `excluded_group:Domain Admins`, `matched_rule:0`, … */
  reasons: string[];
  /** Proofs of different kinds the reset needs; 0 for a decoy. */
  proofsNeeded: number;
  /** One of the proofs must be of a strong kind. */
  strongRequired: boolean;
  /** The list the first step shows: the tenant's, the same for every identifier (nothing about the person). */
  methodsShown: MethodKind[];
  /** The first-proof kinds that would work for this person (for groups: that the policy allows). */
  methodsOffered: MethodKind[];
  /** The person's methods that count toward the policy (for groups: every kind the policy allows). */
  methodsCounting: MethodKind[];
  /** For each kind in `methodsOffered`: whether it alone completes the reset, else what the second step offers. */
  secondSteps: SecondStep[];
  /** Some path through the offered methods completes the policy. */
  canComplete: boolean;
  /** The rule that decided (null: none matched, or the person is excluded before any rule). */
  matchedRule: { index: number; label: string } | null;
}

/**
 * Simulates the start of a reset with the reset flow's own decisions: {@link startEligibility} (real or
 * decoy, and why, exactly as `reset.started` audits it) and {@link proofChoices} (what a second step offers).
 * Pure. For a set of groups, the person is taken to be enabled with a mailbox and every allowed method.
 */
export function simulatePolicy(input: SimulationInput): PolicySimulation {
  const { policy, subject, tenantId } = input;
  const purpose = input.purpose ?? 'reset';
  const channels = input.channels ?? { sms: false, questions: false };
  const policyFor = () => policy;
  const methodsShown = FIRST_PROOF_KINDS.filter((kind) => policy.defaults.allowedMethods.includes(kind));
  const groups = subject.kind === 'groups' ? subject.groups : (subject.account?.groups ?? []);
  const decision = decidePolicy(policy, { groups, attributes: subject.kind === 'person' ? subject.account?.attributes : undefined });
  const unknown = subject.kind === 'person' && subject.account === null;
  const matchedRule = decision.ruleIndex === null || unknown ? null : { index: decision.ruleIndex, label: ruleLabel(policy.rules[decision.ruleIndex]!, decision.ruleIndex) };
  const base = { methodsShown, matchedRule };

  if (subject.kind === 'groups') {
    const refusal = resetRefusal({ tenantId, enabled: true, groups: [...groups] }, policyFor, true, purpose);
    if (refusal) return decoy(refusal, refusalReasons(refusal, policy, decision, groups), base);
    const offered = FIRST_PROOF_KINDS.filter((kind) => decision.allowedMethods.includes(kind));
    const secondSteps = offered.map((after) => {
      const next = nextProofNeeded(decision, [after]);
      // As a second step lists them: the link rides in the code's mail, so the code stands for both.
      return { after, complete: next.done, offered: next.done ? [] : next.allowed.filter((kind) => kind !== 'email_link') };
    });
    return allowed(decision, [ruleReason(decision), 'groups_only'], offered, [...new Set(decision.allowedMethods)], secondSteps, base);
  }

  const account = subject.account;
  const registered = account ? usableRegistrations(subject.registered) : [];
  const extraEmails = registered.filter((m) => m.kind === 'email_code' && typeof m.data.email === 'string').map((m) => String(m.data.email));
  const start = startEligibility({ tenantId, account, policyFor, extraEmails, purpose });
  if (start.refusal || !account) {
    const refusal = start.refusal ?? 'unknown_account';
    return decoy(refusal, [...refusalReasons(refusal, policy, decision, groups), ...(account?.locked ? ['account_locked'] : [])], base);
  }
  const held = heldKinds(account, decision, registered, channels, start.linkAllowed);
  // As the reset decides for this person: their strongest registered factor must be among the proofs.
  const personal = honourStrongest(decision, registered.map((m) => m.kind));
  const offered = FIRST_PROOF_KINDS.filter((kind) => personal.allowedMethods.includes(kind) && held.includes(kind));
  const secondSteps = offered.map((after) => {
    const complete = proofsSatisfy(personal, [after]);
    const context = { ...channels, codeLive: methodFamily(after) !== 'email' };
    const next = complete ? [] : [...new Set(proofChoices(account, personal, [after], registered, context).map((c) => c.method))];
    return { after, complete, offered: next };
  });
  const reasons = [ruleReason(decision)];
  if (personal.mustProveAmong) reasons.push('honours_strongest');
  if (offered.length === 0) reasons.push('no_usable_method');
  else if (!secondSteps.some((s) => s.complete || s.offered.length > 0)) reasons.push('cannot_complete');
  if (account.locked) reasons.push('account_locked');
  return allowed(decision, reasons, offered, usableMethods(decision, held), secondSteps, base);
}

/**
 * The kinds the person holds, whatever the policy allows: asked of {@link proofChoices} with a decision that
 * allows every kind (the person's own `directoryEmail` / `directoryPhone` trust kept), so "holds" means
 * exactly what the second step means by it. An emailed link rides with the code when the policy allows it.
 */
function heldKinds(account: DirectoryAccount, decision: PolicyDecision, registered: RegisteredMethod[], channels: Pick<ProofChoiceContext, 'sms' | 'questions'>, linkAllowed: boolean): MethodKind[] {
  // Two proofs needed and none given: nextProofNeeded lets every kind through, so every held kind is listed.
  const everything: PolicyDecision = { ...decision, ssprEnabled: true, allowedMethods: [...METHOD_KINDS], requiredMethods: 2, requireStrong: false };
  const kinds = new Set(proofChoices(account, everything, [], registered, { ...channels, codeLive: true }).map((c) => c.method));
  if (kinds.has('email_code') && linkAllowed) kinds.add('email_link');
  return METHOD_KINDS.filter((kind) => kinds.has(kind));
}

function ruleReason(decision: PolicyDecision): string {
  return decision.ruleIndex === null ? 'no_rule_matched' : `matched_rule:${decision.ruleIndex}`;
}

function refusalReasons(refusal: ResetRefusal, policy: TenantPolicy, decision: PolicyDecision, groups: readonly string[]): string[] {
  switch (refusal) {
    case 'unknown_account':
      return ['unknown_person'];
    case 'excluded': {
      const mine = new Set(groups.map((g) => g.toLowerCase()));
      const hits = policy.excludedGroups.filter((g) => mine.has(g.toLowerCase())).map((g) => `excluded_group:${g}`);
      return hits.length > 0 ? hits : ['excluded_group'];
    }
    case 'service_account': {
      const hits = markingGroups(policy.serviceAccounts, groups).map((g) => `service_account_group:${g}`);
      return hits.length > 0 ? hits : ['service_account_attribute'];
    }
    case 'sspr_disabled':
      return [decision.reason === 'disabled_by_rule' ? `sspr_disabled_by_rule:${decision.ruleIndex}` : 'sspr_disabled_by_tenant'];
    case 'no_method':
      return ['no_mailbox'];
    default:
      return [refusal];
  }
}

type Common = Pick<PolicySimulation, 'methodsShown' | 'matchedRule'>;

function decoy(refusal: ResetRefusal, reasons: string[], base: Common): PolicySimulation {
  return { outcome: 'decoy', refusal, reasons, proofsNeeded: 0, strongRequired: false, methodsOffered: [], methodsCounting: [], secondSteps: [], canComplete: false, ...base };
}

function allowed(decision: PolicyDecision, reasons: string[], offered: MethodKind[], counting: MethodKind[], secondSteps: SecondStep[], base: Common): PolicySimulation {
  return {
    outcome: 'allowed',
    refusal: null,
    reasons,
    proofsNeeded: decision.requiredMethods,
    strongRequired: decision.requireStrong,
    methodsOffered: offered,
    methodsCounting: counting,
    secondSteps,
    canComplete: secondSteps.some((s) => s.complete || s.offered.length > 0),
    ...base,
  };
}

/** Reason codes as {@link simulatePolicy} gives them, in plain English (the text after `:` is a detail). */
const REASON_TEXT: Record<string, string> = {
  unknown_person: 'no single account matches this identifier (several matches count as none)',
  disabled: 'the account is disabled',
  excluded_group: 'member of an excluded group',
  service_account_group: 'service account: a privileged or service account group (never offered self-service; attempts are audited as suspicious)',
  service_account_attribute: 'service account: marked by the serviceAccounts attribute (never offered self-service; attempts are audited as suspicious)',
  sspr_disabled_by_rule: 'the matching rule turns self-service reset off',
  sspr_disabled_by_tenant: "the tenant's settings turn self-service reset off",
  unlock_disabled: 'unlocking is off for this person (unlockEnabled: false)',
  held: "self-service is paused: the person reported a change as not theirs (the console's Fraud area ends the pause)",
  no_mailbox: 'no mailbox to send the code to (no trusted directory address, no confirmed extra address)',
  matched_rule: 'decided by the first matching rule',
  no_rule_matched: "no rule matches: the tenant's settings apply",
  groups_only: 'simulated for groups only: account state, mailbox and registered methods were not checked',
  no_usable_method: 'no first proof would work: none of the methods the person holds is allowed as a first proof',
  cannot_complete: 'the person can start but cannot complete the policy with the methods they hold',
  honours_strongest: 'the person holds a strong method: it, a backup code or a temporary access pass must be among the proofs (honourStrongest)',
  account_locked: 'the account is locked',
};

/** One reason code in words, for people: `excluded_group:Domain Admins` → `member of an excluded group: Domain Admins`. */
export function reasonText(reason: string): string {
  const at = reason.indexOf(':');
  const code = at < 0 ? reason : reason.slice(0, at);
  const detail = at < 0 ? '' : reason.slice(at + 1);
  const text = Object.hasOwn(REASON_TEXT, code) ? REASON_TEXT[code]! : code;
  return detail ? `${text}: ${code === 'matched_rule' || code === 'sspr_disabled_by_rule' ? `rule ${detail}` : detail}` : text;
}
