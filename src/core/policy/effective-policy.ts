import { decidePolicy, DEFAULT_EXCLUDED_GROUPS, DEFAULT_POLICY_SETTINGS, type PolicyDecisionInput, type TenantPolicy } from './method-policy.js';
import { ruleLabel } from './rule-label.js';
import { markingGroups } from './service-accounts.js';

/** The settings a rule or tenant may set, each optional. */
type PartialSettings = { [K in keyof PolicyDecisionInput]?: PolicyDecisionInput[K] | undefined };

/** One rule as configured: whom it matches and what it sets. */
export type RuleLayer = PartialSettings & { groups?: readonly string[] | undefined; match?: 'all' | undefined };

/** One tenant's `policy.tenants.<id>` as configured (keys it leaves out are absent or undefined). */
export type TenantLayer = PartialSettings & { excludedGroups?: readonly string[] | undefined; rules?: readonly RuleLayer[] | undefined };

/** The `policy` section as validated (`PolicyConfig` fits): `default` complete, tenants only as written. */
export interface PolicyLayers {
  default: PolicyDecisionInput & { excludedGroups: readonly string[] };
  tenants: Readonly<Record<string, TenantLayer>>;
}

/** Where a value comes from, most specific first: a rule, the tenant, `policy.default`, the built-in default. */
export type PolicySource = 'built-in default' | 'policy.default' | `policy.tenants.${string}` | `rule ${number} (${string})`;

/** A key of the effective policy table. */
export type PolicyKey = keyof PolicyDecisionInput | 'excludedGroups';

/** One row of the effective policy: a key, its value (typed, and as words), and where it comes from. */
export interface EffectivePolicyRow {
  key: PolicyKey;
  value: PolicyDecisionInput[keyof PolicyDecisionInput] | readonly string[];
  /** The value for people: `yes`/`no`, lists joined with commas, `(none)`, `never`. */
  display: string;
  source: PolicySource;
  /** Why the value is not what the source says (`ssprEnabled` of an excluded member). */
  note?: string;
}

/** A rule of the tenant, as written. */
export interface RuleSummary {
  index: number;
  label: string;
  /** The keys it sets, as words. */
  sets: { key: keyof PolicyDecisionInput; display: string }[];
}

/** The effective policy of a tenant, or of a tenant for members of some groups. */
export interface EffectivePolicy {
  tenantId: string;
  /** The groups asked about; null for the tenant's own settings (what people no rule matches get). */
  groups: string[] | null;
  /** With groups: the rule that decides (null when none matches or they are excluded). */
  matchedRule: { index: number; label: string } | null;
  /** With groups: the excluded groups among them (then no rule is consulted). */
  excludedBy: string[];
  rows: EffectivePolicyRow[];
  /** The tenant's rules in order (the first that matches decides). */
  rules: RuleSummary[];
}

const SETTING_KEYS = Object.keys(DEFAULT_POLICY_SETTINGS) as (keyof PolicyDecisionInput)[];

/**
 * The effective policy of `tenantId` as a readable table. Values come from `policy` (what `policyFor` gives
 * the reset flow) and, with `groups`, from {@link decidePolicy}'s choice of rule; `layers` (the validated
 * `policy` section) only says where each value comes from. A value in `policy.default` equal to the built-in
 * default is shown as the built-in default (after validation the two cannot be told apart).
 */
export function effectivePolicy(input: { tenantId: string; layers: PolicyLayers; policy: TenantPolicy; groups?: readonly string[] }): EffectivePolicy {
  const { tenantId, layers, policy } = input;
  const tenant: TenantLayer = Object.hasOwn(layers.tenants, tenantId) ? layers.tenants[tenantId]! : {};
  const tenantSource = `policy.tenants.${tenantId}` as const;
  const baseSource = (key: PolicyKey): PolicySource => {
    if (tenant[key] !== undefined) return tenantSource;
    const builtIn = key === 'excludedGroups' ? DEFAULT_EXCLUDED_GROUPS : DEFAULT_POLICY_SETTINGS[key];
    return sameValue(layers.default[key], builtIn) ? 'built-in default' : 'policy.default';
  };
  const rules = policy.rules.map((rule, index) => ({
    index,
    label: ruleLabel(rule, index),
    sets: SETTING_KEYS.filter((key) => rule[key] !== undefined).map((key) => ({ key, display: displayOf(rule[key]!) })),
  }));
  const excludedRow = (): EffectivePolicyRow => row('excludedGroups', policy.excludedGroups, baseSource('excludedGroups'));

  if (input.groups === undefined) {
    return { tenantId, groups: null, matchedRule: null, excludedBy: [], rows: [...SETTING_KEYS.map((key) => row(key, policy.defaults[key], baseSource(key))), excludedRow()], rules };
  }

  const groups = [...input.groups];
  const decision = decidePolicy(policy, { groups });
  const mine = new Set(groups.map((g) => g.toLowerCase()));
  const excludedBy = decision.reason === 'excluded' ? policy.excludedGroups.filter((g) => mine.has(g.toLowerCase())) : [];
  const index = decision.ruleIndex;
  const rule = index === null ? null : policy.rules[index]!;
  const rows = SETTING_KEYS.map((key): EffectivePolicyRow => {
    // The resolution decidePolicy makes: the matching rule's value, else the tenant's (never another rule's).
    if (rule && rule[key] !== undefined) return row(key, rule[key]!, ruleLabel(rule, index!) as PolicySource);
    return row(key, policy.defaults[key], baseSource(key));
  });
  if (decision.reason === 'service_account') {
    // Marked before the excluded groups and the rules: a privileged or service account (service-accounts.ts).
    const at = rows.findIndex((r) => r.key === 'ssprEnabled');
    const by = markingGroups(policy.serviceAccounts, groups);
    rows[at] = { ...row('ssprEnabled', false, rows[at]!.source), note: `a privileged or service account (serviceAccounts${by.length > 0 ? `: ${by.join(', ')}` : ''}): never offered self-service, attempts audited as suspicious` };
  } else if (excludedBy.length > 0) {
    const at = rows.findIndex((r) => r.key === 'ssprEnabled');
    rows[at] = { ...row('ssprEnabled', false, baseSource('excludedGroups')), note: `member of the excluded group${excludedBy.length > 1 ? 's' : ''} ${excludedBy.join(', ')}: no rule can turn it on` };
  }
  const matchedRule = rule ? { index: index!, label: ruleLabel(rule, index!) } : null;
  return { tenantId, groups, matchedRule, excludedBy, rows: [...rows, excludedRow()], rules };
}

function row(key: PolicyKey, value: EffectivePolicyRow['value'], source: PolicySource): EffectivePolicyRow {
  return { key, value: Array.isArray(value) ? [...(value as readonly string[])] : value, display: displayOf(value), source };
}

/** A policy value in words: `yes`/`no`, a list joined with commas or `(none)`, `never` for a null `reconfirmDays`. */
export function displayOf(value: EffectivePolicyRow['value']): string {
  if (value === null) return 'never';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ');
  return String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
