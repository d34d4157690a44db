import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { policyFor, policySchema } from '../../src/config/policy-schema.js';
import { displayOf, effectivePolicy, type EffectivePolicy } from '../../src/core/policy/effective-policy.js';
import { decidePolicy } from '../../src/core/policy/method-policy.js';

const CONFIG = policySchema.parse(parse(`
default:
  requiredMethods: 1
  reconfirmDays: 365
tenants:
  acme:
    excludedGroups: [admins, service-accounts, Domain Admins]
    serviceAccounts: { groups: [svc] }
    directoryPhone: true
    rules:
      - groups: [it-staff, ops]
        requiredMethods: 2
        requireStrong: true
        allowedMethods: [webauthn, totp, email_code]
      - groups: [contractors]
        ssprEnabled: false
      - match: all
        reconfirmDays: null
`));

const show = (tenantId: string, groups?: string[]) => effectivePolicy({ tenantId, layers: CONFIG, policy: policyFor(CONFIG, tenantId), groups });
const byKey = (result: EffectivePolicy) => Object.fromEntries(result.rows.map((r) => [r.key, { display: r.display, source: r.source, ...(r.note ? { note: r.note } : {}) }]));

describe('effectivePolicy', () => {
  it("a tenant's own settings: each key from the tenant, policy.default or the built-in default", () => {
    const rows = byKey(show('acme'));
    expect(rows).toEqual({
      ssprEnabled: { display: 'yes', source: 'built-in default' },
      allowedMethods: { display: 'email_code, email_link, sms_code, totp, webauthn, backup_code, access_pass', source: 'built-in default' },
      // Set in policy.default, but to the built-in value: after validation the two are the same.
      requiredMethods: { display: '1', source: 'built-in default' },
      strongMethods: { display: 'webauthn, totp', source: 'built-in default' },
      requireStrong: { display: 'no', source: 'built-in default' },
      honourStrongest: { display: 'yes', source: 'built-in default' },
      registrationRequired: { display: 'no', source: 'built-in default' },
      reconfirmDays: { display: '365', source: 'policy.default' },
      unlockEnabled: { display: 'yes', source: 'built-in default' },
      directoryEmail: { display: 'yes', source: 'built-in default' },
      directoryPhone: { display: 'yes', source: 'policy.tenants.acme' },
      trustImportedContacts: { display: 'no', source: 'built-in default' },
      excludedGroups: { display: 'admins, service-accounts, Domain Admins', source: 'policy.tenants.acme' },
    });
    expect(show('acme').rules).toEqual([
      { index: 0, label: 'rule 0 (groups: it-staff, ops)', sets: [{ key: 'allowedMethods', display: 'webauthn, totp, email_code' }, { key: 'requiredMethods', display: '2' }, { key: 'requireStrong', display: 'yes' }] },
      { index: 1, label: 'rule 1 (groups: contractors)', sets: [{ key: 'ssprEnabled', display: 'no' }] },
      { index: 2, label: 'rule 2 (match: all)', sets: [{ key: 'reconfirmDays', display: 'never' }] },
    ]);
  });

  it('a tenant not listed gets policy.default and no rules', () => {
    const result = show('other');
    expect(result.rules).toEqual([]);
    expect(byKey(result).excludedGroups).toEqual({ display: 'admins, service-accounts', source: 'built-in default' });
    expect(byKey(result).reconfirmDays).toEqual({ display: '365', source: 'policy.default' });
  });

  it('for groups: the first matching rule, keys it leaves out from the tenant, never from a later rule', () => {
    const result = show('acme', ['OPS', 'contractors']);
    expect(result.matchedRule).toEqual({ index: 0, label: 'rule 0 (groups: it-staff, ops)' });
    const rows = byKey(result);
    expect(rows.requiredMethods).toEqual({ display: '2', source: 'rule 0 (groups: it-staff, ops)' });
    expect(rows.allowedMethods).toEqual({ display: 'webauthn, totp, email_code', source: 'rule 0 (groups: it-staff, ops)' });
    // Rule 2 sets reconfirmDays: null, but rule 0 decided.
    expect(rows.reconfirmDays).toEqual({ display: '365', source: 'policy.default' });
    expect(rows.directoryPhone).toEqual({ display: 'yes', source: 'policy.tenants.acme' });

    const everyoneElse = byKey(show('acme', ['sales']));
    expect(everyoneElse.reconfirmDays).toEqual({ display: 'never', source: 'rule 2 (match: all)' });
    expect(show('acme', []).matchedRule?.index).toBe(2);
  });

  it('the values are the ones decidePolicy gives the reset flow, for every group set that keeps SSPR on', () => {
    for (const groups of [[], ['it-staff'], ['ops', 'sales'], ['sales']]) {
      const decision = decidePolicy(policyFor(CONFIG, 'acme'), { groups });
      for (const row of show('acme', groups).rows) {
        if (row.key === 'excludedGroups') continue;
        expect(row.value, `${groups.join(',')}: ${row.key}`).toEqual(decision[row.key]);
      }
    }
  });

  it('an excluded member: SSPR off, from excludedGroups, with the reason; no rule is consulted', () => {
    const result = show('acme', ['it-staff', 'domain admins']);
    expect(result.excludedBy).toEqual(['Domain Admins']);
    expect(result.matchedRule).toBeNull();
    expect(byKey(result).ssprEnabled).toEqual({ display: 'no', source: 'policy.tenants.acme', note: 'member of the excluded group Domain Admins: no rule can turn it on' });
    expect(byKey(result).requiredMethods!.source).toBe('built-in default');
  });

  it('a rule that turns SSPR off shows as the rule', () => {
    expect(byKey(show('acme', ['contractors'])).ssprEnabled).toEqual({ display: 'no', source: 'rule 1 (groups: contractors)' });
  });

  it('words values for people', () => {
    expect([displayOf(true), displayOf(false), displayOf([]), displayOf(null), displayOf(2), displayOf(['a', 'b'])]).toEqual(['yes', 'no', '(none)', 'never', '2', 'a, b']);
  });
});
