/**
 * How a rule is named to operators: `rule 0 (groups: it-staff, ops)` or `rule 2 (match: all)`. The index is
 * the rule's place in `policy.tenants.<id>.rules`, counted from 0, as configuration errors name it.
 */
export function ruleLabel(rule: { groups?: readonly string[]; match?: 'all' }, index: number): string {
  return rule.match === 'all' ? `rule ${index} (match: all)` : `rule ${index} (groups: ${(rule.groups ?? []).join(', ')})`;
}
