import { descriptorOf, METHOD_KINDS } from '../methods/method-kinds.js';
import type { MethodKind } from '../ports/methods.js';
import { DEFAULT_SERVICE_ACCOUNTS, isServiceAccount, type MarkedAccount, type ServiceAccountMarks } from './service-accounts.js';

export type { MethodKind } from '../ports/methods.js';
export { METHOD_KINDS } from '../methods/method-kinds.js';

/**
 * What a policy decides for one person. A tenant's defaults hold every field; a rule holds any of them.
 */
export interface PolicyDecisionInput {
  /** Whether the person may reset their password here at all. */
  ssprEnabled: boolean;
  /** The kinds that may be offered and that count as proofs. */
  allowedMethods: MethodKind[];
  /** How many proofs of different kinds (see {@link methodFamily}) a reset needs. */
  requiredMethods: 1 | 2;
  /** The kinds that count as strong (phishing-resistant or bound to a device). */
  strongMethods: MethodKind[];
  /** At least one of the proofs must be of a strong kind (for example: a passkey is required). */
  requireStrong: boolean;
  /**
   * A person who has registered a strong method (one of `strongMethods` that is allowed) cannot reset with weaker
   * methods alone: among the proofs must be a strong method, a backup code or a temporary access pass (see
   * {@link honourStrongest}). Otherwise a stolen mailbox would undo the passkey the person chose to add.
   */
  honourStrongest: boolean;
  /** A person who signs in without enough registered methods is sent to registration first. */
  registrationRequired: boolean;
  /** Ask people to re-confirm their methods every this many days; null: never. */
  reconfirmDays: number | null;
  /** A locked account may be unlocked by the person, after the same proofs as a reset, without a new password. */
  unlockEnabled: boolean;
  /** The email address the directory holds counts as the person's mailbox (reset codes and links go there). */
  directoryEmail: boolean;
  /** The phone number the directory holds counts as a registered phone (`sms_code`), without confirming it first. */
  directoryPhone: boolean;
  /**
   * Contact data the organisation imports (`unlatch methods import`, `methods sync` from directory attributes)
   * counts as confirmed at once; false: it waits until the person confirms it with a code at security info.
   */
  trustImportedContacts: boolean;
}

/** Which people a rule is for: members of any of `groups` (compared case-insensitively), or everyone. */
export type RuleMatch = { groups: readonly string[]; match?: never } | { match: 'all'; groups?: never };

/** One rule: whom it matches, and the fields it sets. Fields it leaves out come from the tenant's defaults. */
export type PolicyRule = RuleMatch & Partial<PolicyDecisionInput>;

/** The method policy of one tenant. */
export interface TenantPolicy {
  /** Members of any of these groups (case-insensitive) never get SSPR, whatever the rules say. */
  excludedGroups: readonly string[];
  /**
   * Privileged and service accounts (see `service-accounts.ts`): like excluded people never offered SSPR, and every
   * attempt on one is audited as suspicious. Absent: none are marked.
   */
  serviceAccounts?: ServiceAccountMarks;
  /** Tried in order; the first that matches decides. */
  rules: readonly PolicyRule[];
  /** What applies where the matching rule is silent, and to people no rule matches. */
  defaults: PolicyDecisionInput;
}

/** The outcome of {@link decidePolicy} for one person. */
export interface PolicyDecision extends PolicyDecisionInput {
  /**
   * Why SSPR is off, when it is: `service_account` (a privileged or service account, see `serviceAccounts`),
   * `excluded` (a member of an excluded group), `disabled_by_rule` (the
   * matching rule sets `ssprEnabled: false`), `disabled_by_tenant` (the tenant's defaults do, and the
   * matching rule, if any, does not say otherwise). Absent when SSPR is on.
   */
  reason?: 'service_account' | 'excluded' | 'disabled_by_rule' | 'disabled_by_tenant';
  /** The index in `rules` of the rule that matched; null when none did or the person is excluded. */
  ruleIndex: number | null;
  /**
   * Set by {@link honourStrongest} for a person who holds a strong method: at least one proof must be of one of
   * these kinds. Absent when the policy does not honour the strongest factor or the person holds no strong method.
   */
  mustProveAmong?: MethodKind[];
}

/** The built-in defaults, used where the configuration says nothing. */
export const DEFAULT_POLICY_SETTINGS: Readonly<PolicyDecisionInput> = Object.freeze<PolicyDecisionInput>({
  ssprEnabled: true,
  // Security questions are off unless an administrator allows them: answers are guessable and researchable.
  allowedMethods: METHOD_KINDS.filter((kind) => kind !== 'questions'),
  requiredMethods: 1,
  strongMethods: ['webauthn', 'totp'],
  requireStrong: false,
  // A reset is never weaker than the person's own strongest method (issue 10; Keycloak #12759, authentik #18639).
  honourStrongest: true,
  registrationRequired: false,
  reconfirmDays: null,
  unlockEnabled: true,
  // The directory's address has always been where codes go; its phone numbers are often stale or shared desk lines.
  directoryEmail: true,
  directoryPhone: false,
  // HR data is often stale or mistyped: an address nobody confirmed does not receive reset codes by default.
  trustImportedContacts: false,
});

/** Privileged and service accounts do not reset themselves: a takeover of one is worth the most. */
export const DEFAULT_EXCLUDED_GROUPS: readonly string[] = Object.freeze(['admins', 'service-accounts']);

/** The policy of a tenant whose configuration says nothing. */
export const DEFAULT_TENANT_POLICY: TenantPolicy = Object.freeze({
  excludedGroups: DEFAULT_EXCLUDED_GROUPS,
  serviceAccounts: DEFAULT_SERVICE_ACCOUNTS,
  rules: Object.freeze([]) as readonly PolicyRule[],
  defaults: DEFAULT_POLICY_SETTINGS,
});

/**
 * The family of a kind, for counting proofs as different (each method's descriptor names it). An emailed code
 * and an emailed link both prove only control of the same mailbox, so both are family `email`.
 */
export function methodFamily(kind: MethodKind): string {
  return descriptorOf(kind).family;
}

/**
 * Decides the policy for one person.
 *
 * 0. Privileged and service accounts before anything: `ssprEnabled: false`, `reason: 'service_account'`.
 * 1. Excluded groups next: a member of any of `policy.excludedGroups` gets `ssprEnabled: false`,
 *    `reason: 'excluded'`, `ruleIndex: null`; no rule can enable SSPR for them.
 * 2. Otherwise the rules are tried in order and the FIRST that matches decides; later rules are not
 *    consulted, even for fields the first one leaves out. A rule matches when the person is a member of
 *    any of its `groups` (names compared case-insensitively) or when it is `match: 'all'`.
 * 3. Each field the matching rule sets is taken from the rule; each field it leaves out comes from
 *    `policy.defaults` (never from another rule). With no matching rule, every field comes from the defaults.
 *
 * When the result has SSPR off, `allowedMethods` is empty, so a caller that forgets to look at
 * `ssprEnabled` still has nothing to offer; the other fields are as resolved. All arrays are fresh copies.
 */
export function decidePolicy(policy: TenantPolicy, account: MarkedAccount): PolicyDecision {
  if (isServiceAccount(policy.serviceAccounts, account)) return disabled(policy.defaults, 'service_account', null);
  const groups = new Set(account.groups.map(foldGroup));
  if (policy.excludedGroups.some((group) => groups.has(foldGroup(group)))) {
    return disabled(policy.defaults, 'excluded', null);
  }
  const ruleIndex = policy.rules.findIndex((rule) => rule.match === 'all' || (rule.groups ?? []).some((group) => groups.has(foldGroup(group))));
  const rule: Partial<PolicyDecisionInput> = ruleIndex >= 0 ? policy.rules[ruleIndex]! : {};
  const settings: PolicyDecisionInput = {
    ssprEnabled: rule.ssprEnabled ?? policy.defaults.ssprEnabled,
    allowedMethods: [...(rule.allowedMethods ?? policy.defaults.allowedMethods)],
    requiredMethods: rule.requiredMethods ?? policy.defaults.requiredMethods,
    strongMethods: [...(rule.strongMethods ?? policy.defaults.strongMethods)],
    requireStrong: rule.requireStrong ?? policy.defaults.requireStrong,
    honourStrongest: rule.honourStrongest ?? policy.defaults.honourStrongest,
    registrationRequired: rule.registrationRequired ?? policy.defaults.registrationRequired,
    reconfirmDays: rule.reconfirmDays !== undefined ? rule.reconfirmDays : policy.defaults.reconfirmDays,
    unlockEnabled: rule.unlockEnabled ?? policy.defaults.unlockEnabled,
    directoryEmail: rule.directoryEmail ?? policy.defaults.directoryEmail,
    directoryPhone: rule.directoryPhone ?? policy.defaults.directoryPhone,
    trustImportedContacts: rule.trustImportedContacts ?? policy.defaults.trustImportedContacts,
  };
  const index = ruleIndex >= 0 ? ruleIndex : null;
  if (!settings.ssprEnabled) return disabled(settings, rule.ssprEnabled === false ? 'disabled_by_rule' : 'disabled_by_tenant', index);
  return { ...settings, ruleIndex: index };
}

/**
 * The person's registered kinds that the decision allows, in the order of `registered`, each once.
 * Pass only methods that can be used now: confirmed, and for backup codes not yet spent.
 * Empty when SSPR is off.
 */
export function usableMethods(decision: PolicyDecision, registered: readonly MethodKind[]): MethodKind[] {
  if (!decision.ssprEnabled) return [];
  const allowed = new Set(decision.allowedMethods);
  return [...new Set(registered)].filter((kind) => allowed.has(kind));
}

/**
 * The decision for one person given the kinds they hold (their usable registrations: confirmed, backup codes
 * unspent). With `honourStrongest` on and an allowed strong kind among them, the proofs must include one of:
 * the allowed strong kinds, or a kind whose descriptor stands in for them (`honoursStrongest`: a backup code,
 * the lost-factor path; a temporary access pass, issued after the helpdesk verified the caller). Otherwise the
 * decision is returned as it is. Pure: the reset, its second-step choices and the policy simulation all ask it.
 */
export function honourStrongest(decision: PolicyDecision, held: readonly MethodKind[]): PolicyDecision {
  if (!decision.ssprEnabled || !decision.honourStrongest) return decision;
  const allowed = new Set(decision.allowedMethods);
  const strong = decision.strongMethods.filter((kind) => allowed.has(kind));
  if (!held.some((kind) => strong.includes(kind))) return decision;
  const among = decision.allowedMethods.filter((kind) => strong.includes(kind) || descriptorOf(kind).honoursStrongest === true);
  return { ...decision, mustProveAmong: [...new Set(among)] };
}

/**
 * Whether the proofs given so far complete the policy: at least `requiredMethods` different families
 * (see {@link methodFamily}: an emailed code and an emailed link are one, two emails are one), counting
 * only allowed kinds; when `requireStrong`, at least one proof of a kind in `strongMethods`; and, for a person
 * whose decision has `mustProveAmong` ({@link honourStrongest}), at least one proof of one of those kinds. One
 * proof of a kind whose descriptor `completesAlone` (a temporary access pass) is enough on its own.
 * Always false when SSPR is off.
 */
export function proofsSatisfy(decision: PolicyDecision, proven: readonly MethodKind[]): boolean {
  const counted = usableMethods(decision, proven);
  // A kind that completes the proofs alone (a helpdesk's access pass) does so whatever else the policy asks.
  if (counted.some((kind) => descriptorOf(kind).completesAlone === true)) return true;
  const families = new Set(counted.map(methodFamily));
  if (families.size < decision.requiredMethods) return false;
  return outstanding(decision, counted).length === 0;
}

/** The kind sets of which the proofs still lack one: `strongMethods` when required, `mustProveAmong` when set. */
function outstanding(decision: PolicyDecision, counted: readonly MethodKind[]): (readonly MethodKind[])[] {
  const sets: (readonly MethodKind[])[] = [];
  if (decision.requireStrong) sets.push(decision.strongMethods);
  if (decision.mustProveAmong) sets.push(decision.mustProveAmong);
  return sets.filter((set) => !counted.some((kind) => set.includes(kind)));
}

/**
 * What may come next in a reset, given the kinds proven so far.
 * `{ done: true }` when {@link proofsSatisfy} holds. Otherwise the allowed kinds whose family is not yet
 * proven; when the policy still needs a strong proof (or, for {@link honourStrongest}, one of
 * `mustProveAmong`) and at most one more proof is needed, only such kinds, so the person is never led into a
 * proof that cannot complete the policy. The caller offers the intersection with the person's
 * {@link usableMethods}. With SSPR off: not done, nothing allowed.
 */
export function nextProofNeeded(decision: PolicyDecision, proven: readonly MethodKind[]): { done: true } | { done: false; allowed: MethodKind[] } {
  if (proofsSatisfy(decision, proven)) return { done: true };
  const counted = usableMethods(decision, proven);
  const provenFamilies = new Set(counted.map(methodFamily));
  const lastOne = decision.requiredMethods - provenFamilies.size <= 1;
  const lacking = lastOne ? outstanding(decision, counted) : [];
  const allowed = decision.allowedMethods.filter(
    (kind) => !provenFamilies.has(methodFamily(kind)) && lacking.every((set) => set.includes(kind)),
  );
  return { done: false, allowed: [...new Set(allowed)] };
}

/**
 * Whether the person may remove one registration of `removing` from `registered` (their usable
 * registrations: confirmed, backup codes unspent; one entry per registration, so two passkeys are
 * `['webauthn', 'webauthn']`).
 *
 * - A kind that does not count (not allowed, or SSPR off) may always go: the policy does not need it.
 * - Otherwise the rest must still be able to satisfy the policy on their own (enough different families,
 *   a strong one when required). Removing one of two passkeys is fine; removing the only passkey that a
 *   `requireStrong` policy needs is not.
 * - A person who cannot satisfy the policy even now may still not remove a method that counts: it would
 *   take them further from it. They add the new method first, then remove the old one.
 */
export function canRemoveMethod(decision: PolicyDecision, registered: readonly MethodKind[], removing: MethodKind): boolean {
  if (usableMethods(decision, [removing]).length === 0) return true;
  const at = registered.indexOf(removing);
  const rest = at < 0 ? [...registered] : [...registered.slice(0, at), ...registered.slice(at + 1)];
  return proofsSatisfy(decision, rest);
}

/**
 * Problems that make settings impossible to satisfy, as sentences (empty when none). Settings with SSPR
 * off have none. Used to refuse such a configuration at start.
 */
export function policyProblems(settings: PolicyDecisionInput): string[] {
  if (!settings.ssprEnabled) return [];
  const problems: string[] = [];
  const families = new Set(settings.allowedMethods.map(methodFamily));
  if (families.size === 0) problems.push('allowedMethods is empty while ssprEnabled is true: nobody could reset');
  // Security questions are only ever a second proof (docs/methods.md): alone they can never start a reset.
  else if (settings.allowedMethods.every((kind) => kind === 'questions')) problems.push('allowedMethods has only questions, which are a second proof only: nobody could reset');
  else if (families.size < settings.requiredMethods) {
    problems.push(`requiredMethods is ${settings.requiredMethods} but allowedMethods has only one kind (email_code and email_link count as one)`);
  }
  if (settings.requireStrong && !settings.allowedMethods.some((kind) => settings.strongMethods.includes(kind))) {
    problems.push('requireStrong is true but no allowed method is in strongMethods');
  }
  return problems;
}

function disabled(settings: PolicyDecisionInput, reason: NonNullable<PolicyDecision['reason']>, ruleIndex: number | null): PolicyDecision {
  return { ...settings, ssprEnabled: false, allowedMethods: [], strongMethods: [...settings.strongMethods], reason, ruleIndex };
}

// Group names are compared as isExcluded (identity/password-context.ts) compares them.
function foldGroup(name: string): string {
  return name.toLowerCase();
}
