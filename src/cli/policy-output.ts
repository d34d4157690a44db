import type { EffectivePolicy } from '../core/policy/effective-policy.js';
import { reasonText, type PolicySimulation } from '../core/policy/policy-simulation.js';
import type { PersonSimulation } from '../core/policy/policy-simulator.js';
import { parseGroups } from './user-rows.js';
import { UsageError } from './errors.js';
import { printable, renderTable } from './output.js';

/** Said under every policy output: the console and the CLI read the policy, they never change it. */
export const SOURCE_OF_TRUTH = 'The configuration file is the source of truth: change the policy there (key policy, see docs/policy.md).';

/** `--groups a,b` as a list (an empty value: no groups at all). */
export function groupsOption(value: string): string[] {
  const { groups, problem } = parseGroups(value, ',');
  if (problem) throw new UsageError(`--groups: ${problem}`);
  return groups;
}

const list = (kinds: readonly string[]) => (kinds.length === 0 ? '(none)' : kinds.join(', '));

/** A simulation in words, one fact a line. */
export function renderSimulation(tenantId: string, subject: string, sim: PolicySimulation | PersonSimulation): string {
  const lines = [`tenant ${tenantId}, ${subject}`];
  if ('account' in sim) {
    const a = sim.account;
    lines.push(a
      ? `account: ${a.username}${a.displayName ? ` (${a.displayName})` : ''}, groups: ${list(a.groups)}; ${a.enabled ? 'enabled' : 'disabled'}, ${a.locked ? 'locked' : 'not locked'}`
      : 'account: none found (no single account matches)');
  }
  lines.push(sim.outcome === 'allowed'
    ? 'outcome: allowed: a real reset starts'
    : 'outcome: decoy: the person sees the same pages as anyone, but no code is sent and nothing can be proven');
  lines.push('why:', ...sim.reasons.map((r) => `  - ${reasonText(r)}`));
  if (sim.refusal) lines.push(`audit reason: ${sim.refusal} (reset.started, outcome decoy)`);
  if (sim.matchedRule) lines.push(`rule: ${sim.matchedRule.label}`);
  lines.push(`first step shows everyone: ${list(sim.methodsShown)}`);
  if (sim.outcome === 'allowed') {
    lines.push(`proofs needed: ${sim.proofsNeeded}${sim.strongRequired ? ', one of them strong' : ''}`);
    lines.push(`first proof that would work: ${list(sim.methodsOffered)}`);
    lines.push(`methods that count: ${list(sim.methodsCounting)}`);
    for (const step of sim.secondSteps) {
      const then = step.complete ? 'done (new password next)' : step.offered.length > 0 ? `second proof with ${list(step.offered)}` : 'a second proof is needed, but the person holds nothing it accepts';
      lines.push(`after ${step.after}: ${then}`);
    }
    lines.push(`can complete: ${sim.canComplete ? 'yes' : 'no'}`);
  }
  lines.push('', SOURCE_OF_TRUTH);
  return lines.map(printable).join('\n') + '\n';
}

/** The effective policy as a table of key, value and source, then the rules. */
export function renderEffectivePolicy(policy: EffectivePolicy): string {
  const head = policy.groups === null
    ? `tenant ${policy.tenantId}: the tenant's settings (what people no rule matches get)`
    : `tenant ${policy.tenantId}, groups: ${list(policy.groups)}`;
  const lines = [head];
  if (policy.groups !== null) {
    if (policy.excludedBy.length > 0) lines.push(`excluded: member of ${policy.excludedBy.join(', ')} (no rule is consulted)`);
    else lines.push(`rule: ${policy.matchedRule ? policy.matchedRule.label : "none matches: the tenant's settings apply"}`);
  }
  lines.push('', ...renderTable(['KEY', 'VALUE', 'FROM'], policy.rows.map((r) => [r.key, r.display, r.source + (r.note ? ` (${r.note})` : '')])).split('\n'));
  lines.push('', policy.rules.length === 0 ? 'rules: none' : 'rules, in order (the first that matches decides):');
  for (const rule of policy.rules) lines.push(`  ${rule.label}: ${rule.sets.length === 0 ? 'sets nothing' : rule.sets.map((s) => `${s.key}: ${s.display}`).join('; ')}`);
  lines.push('', SOURCE_OF_TRUTH);
  return lines.map(printable).join('\n') + '\n';
}
