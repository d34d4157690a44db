import { z } from 'zod';
import {
  DEFAULT_EXCLUDED_GROUPS,
  DEFAULT_POLICY_SETTINGS,
  METHOD_KINDS,
  policyProblems,
  type PolicyDecisionInput,
  type PolicyRule,
  type TenantPolicy,
} from '../core/policy/method-policy.js';
import { DEFAULT_SERVICE_ACCOUNT_GROUPS, type ServiceAccountMarks } from '../core/policy/service-accounts.js';

// As the root schema's tenant ids.
const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const methodKind = z.enum(METHOD_KINDS, { error: () => `expected one of ${METHOD_KINDS.join(', ')}` });
const methodList = z.array(methodKind);
const groupList = z.array(z.string().trim().min(1, 'a group name cannot be empty'));

/** Privileged and service accounts: never offered self-service, attempts audited as suspicious (`docs/policy.md`). */
const serviceAccountsSchema = z
  .object({
    /** Members of any of these groups (names compared case-insensitively). */
    groups: groupList.default(() => [...DEFAULT_SERVICE_ACCOUNT_GROUPS]),
    /** An attribute that marks them, e.g. `{ name: employeeType, values: [service] }` (values compared case-insensitively). */
    attribute: z
      .object({
        name: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'an attribute name (letters, digits, dashes)'),
        values: z.array(z.string().trim().min(1, 'a value cannot be empty')).min(1, 'list at least one value'),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The fields a policy can set, each optional: left out, it is inherited (see `docs/policy.md`). */
const settingsShape = {
  /** Whether people may reset their password with Unlatch at all. */
  ssprEnabled: z.boolean().optional(),
  /** The method kinds that may be offered and count as proofs. `questions` is weak: off by default. */
  allowedMethods: methodList.optional(),
  /** How many proofs of different kinds a reset needs; an emailed code and an emailed link are one kind. */
  requiredMethods: z.union([z.literal(1), z.literal(2)], { error: () => 'must be 1 or 2' }).optional(),
  /** The kinds that count as strong. Security questions never do. */
  strongMethods: methodList
    .refine((kinds) => !kinds.includes('questions'), 'security questions cannot count as strong')
    .optional(),
  /** At least one proof must be of a strong kind (for example: a passkey is required). */
  requireStrong: z.boolean().optional(),
  /** A person with a registered strong method must use it, a backup code or an access pass among the proofs (default true). */
  honourStrongest: z.boolean().optional(),
  /** People without enough registered methods are sent to register them when they sign in. */
  registrationRequired: z.boolean().optional(),
  /** Ask people to re-confirm their methods every this many days; null: never. */
  reconfirmDays: z.number().int().positive('must be a positive number of days, or null').max(3650).nullable().optional(),
  /** A locked account may be unlocked by the person after the same proofs as a reset (no new password). */
  unlockEnabled: z.boolean().optional(),
  /** The directory's email address counts as the person's mailbox (default true). */
  directoryEmail: z.boolean().optional(),
  /** The directory's phone number counts as a registered phone for SMS codes (default false). */
  directoryPhone: z.boolean().optional(),
  /** Imported contact data (`unlatch methods import` / `methods sync`) counts as confirmed at once (default false). */
  trustImportedContacts: z.boolean().optional(),
};

/** One rule of a tenant: whom it is for (`groups` or `match: all`) and what it sets. */
const ruleSchema = z
  .object({
    /** Members of any of these directory groups (names compared case-insensitively). */
    groups: groupList.min(1, 'list at least one group, or use match: all').optional(),
    /** `all`: everyone who reaches this rule (a catch-all; put it last). */
    match: z.literal('all', { error: () => 'the only value is all' }).optional(),
    ...settingsShape,
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.groups !== undefined && rule.match !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'a rule has either groups or match: all, not both' });
    } else if (rule.groups === undefined && rule.match === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs groups (a list of group names) or match: all' });
    }
  });

/** The policy of one tenant: its own settings over `policy.default`, and its rules. */
const tenantPolicySchema = z
  .object({
    ...settingsShape,
    /** Replaces `policy.default.excludedGroups` for this tenant (repeat the defaults to keep them). */
    excludedGroups: groupList.optional(),
    /** Replaces `policy.default.serviceAccounts` for this tenant, whole (repeat the default groups to keep them). */
    serviceAccounts: serviceAccountsSchema.optional(),
    /** Tried in order; the first rule that matches a person decides; fields it leaves out come from the tenant. */
    rules: z
      .array(ruleSchema)
      .default([])
      .superRefine((rules, ctx) => {
        const catchAll = rules.findIndex((rule) => rule.match === 'all');
        if (catchAll >= 0 && catchAll < rules.length - 1) {
          ctx.addIssue({ code: 'custom', path: [catchAll + 1], message: `can never match: rule ${catchAll} (match: all) matches everyone before it` });
        }
      }),
  })
  .strict();

/** Config key `policy`: who may reset, with which methods and how many. See `docs/policy.md`. */
export const policySchema = z
  .object({
    /** The policy of every tenant, unless `policy.tenants.<id>` says otherwise. */
    default: z
      .object({
        ssprEnabled: settingsShape.ssprEnabled.default(DEFAULT_POLICY_SETTINGS.ssprEnabled),
        allowedMethods: methodList.default(() => [...DEFAULT_POLICY_SETTINGS.allowedMethods]),
        requiredMethods: settingsShape.requiredMethods.default(DEFAULT_POLICY_SETTINGS.requiredMethods),
        strongMethods: settingsShape.strongMethods.default(() => [...DEFAULT_POLICY_SETTINGS.strongMethods]),
        requireStrong: settingsShape.requireStrong.default(DEFAULT_POLICY_SETTINGS.requireStrong),
        honourStrongest: settingsShape.honourStrongest.default(DEFAULT_POLICY_SETTINGS.honourStrongest),
        registrationRequired: settingsShape.registrationRequired.default(DEFAULT_POLICY_SETTINGS.registrationRequired),
        reconfirmDays: settingsShape.reconfirmDays.default(DEFAULT_POLICY_SETTINGS.reconfirmDays),
        unlockEnabled: settingsShape.unlockEnabled.default(DEFAULT_POLICY_SETTINGS.unlockEnabled),
        directoryEmail: settingsShape.directoryEmail.default(DEFAULT_POLICY_SETTINGS.directoryEmail),
        directoryPhone: settingsShape.directoryPhone.default(DEFAULT_POLICY_SETTINGS.directoryPhone),
        trustImportedContacts: settingsShape.trustImportedContacts.default(DEFAULT_POLICY_SETTINGS.trustImportedContacts),
        /** Members of these groups get a decoy flow and an audit entry: privileged and service accounts. */
        excludedGroups: groupList.default(() => [...DEFAULT_EXCLUDED_GROUPS]),
        /** Privileged and service accounts: like excluded people, and every attempt on one is audited as suspicious. */
        serviceAccounts: serviceAccountsSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    /** Per tenant id: settings over `policy.default`, and group rules. Tenants not listed use the default. */
    tenants: z
      .record(z.string().regex(TENANT_ID), tenantPolicySchema, {
        error: (issue) => (issue.code === 'invalid_key' ? 'not a tenant id (lowercase letters, digits and dashes)' : undefined),
      })
      .default({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Refuse, at start, settings no one could satisfy: a policy that silently locks everyone out is worse.
    const report = (settings: PolicyDecisionInput, path: PropertyKey[]) => {
      for (const message of policyProblems(settings)) ctx.addIssue({ code: 'custom', path, message });
    };
    report(policy.default, ['default']);
    for (const tenantId of Object.keys(policy.tenants)) {
      const tenant = policyFor(policy, tenantId);
      report(tenant.defaults, ['tenants', tenantId]);
      tenant.rules.forEach((rule, index) => report(withDefaults(rule, tenant.defaults), ['tenants', tenantId, 'rules', index]));
    }
  })
  .prefault({});

/** The validated `policy` section. */
export type PolicyConfig = z.infer<typeof policySchema>;

/**
 * The engine's input for one tenant: built-in defaults, then `policy.default`, then
 * `policy.tenants.<tenantId>` (each field it sets replaces the default's; `excludedGroups` too, whole),
 * then its rules as written. A tenant not listed gets `policy.default` and no rules.
 */
export function policyFor(config: PolicyConfig, tenantId: string): TenantPolicy {
  const { excludedGroups, serviceAccounts, ...base } = config.default;
  const tenant = Object.hasOwn(config.tenants, tenantId) ? config.tenants[tenantId] : undefined;
  if (!tenant) return { excludedGroups: [...excludedGroups], serviceAccounts: copyMarks(serviceAccounts), rules: [], defaults: copySettings(base) };
  const { excludedGroups: tenantExcluded, serviceAccounts: tenantMarks, rules, ...own } = tenant;
  return {
    excludedGroups: [...(tenantExcluded ?? excludedGroups)],
    serviceAccounts: copyMarks(tenantMarks ?? serviceAccounts),
    rules: rules.map(toRule),
    defaults: withDefaults(own, base),
  };
}

function copyMarks(marks: z.infer<typeof serviceAccountsSchema>): ServiceAccountMarks {
  return { groups: [...marks.groups], ...(marks.attribute ? { attribute: { name: marks.attribute.name, values: [...marks.attribute.values] } } : {}) };
}

function toRule(rule: z.infer<typeof ruleSchema>): PolicyRule {
  const { groups, match, ...settings } = definedOnly(rule);
  return match === 'all' ? { match, ...settings } : { groups: [...(groups ?? [])], ...settings };
}

function withDefaults(own: Partial<PolicyDecisionInput>, base: PolicyDecisionInput): PolicyDecisionInput {
  return copySettings({ ...base, ...definedOnly(own) });
}

function copySettings(settings: PolicyDecisionInput): PolicyDecisionInput {
  return { ...settings, allowedMethods: [...settings.allowedMethods], strongMethods: [...settings.strongMethods] };
}

// A key present with the value undefined must not hide the default in a spread.
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
