import { RISK_ACTIONS, type RiskAction, type RiskDecision, type RiskReason, type RiskSignal } from './risk-types.js';
import type { RiskBand, RiskSettings } from './risk-settings.js';

/** Scores are capped here: 100 means "as risky as the engine can say". */
export const MAX_SCORE = 100;

/** The bands and on/off switch a start is judged by. */
export interface ResolvedRiskPolicy {
  enabled: boolean;
  bands: readonly RiskBand[];
}

/**
 * The policy for a start: the tenant's override over the defaults, then (after the lookup, when the account's
 * groups are known) the first rule one of whose groups the account is in. Group names compare case-insensitively,
 * as the method policy compares them.
 */
export function riskPolicyFor(settings: RiskSettings, tenantId: string, groups?: readonly string[]): ResolvedRiskPolicy {
  const tenant = Object.hasOwn(settings.tenants, tenantId) ? settings.tenants[tenantId] : undefined;
  const enabled = tenant?.enabled ?? settings.enabled;
  const rules = tenant?.rules ?? settings.rules;
  const bands = tenant?.bands ?? settings.bands;
  if (!groups) return { enabled, bands };
  const member = new Set(groups.map((g) => g.toLowerCase()));
  const rule = rules.find((r) => r.groups.some((g) => member.has(g.toLowerCase())));
  return { enabled, bands: rule ? rule.bands : bands };
}

/** How severe an action is (its place in `RISK_ACTIONS`). */
export function severity(action: RiskAction): number {
  return RISK_ACTIONS.indexOf(action);
}

/** The more severe of two actions. */
export function stricter(a: RiskAction, b: RiskAction): RiskAction {
  return severity(a) >= severity(b) ? a : b;
}

/** The action of the highest band `score` reaches; `allow` below every band. */
export function bandAction(score: number, bands: readonly RiskBand[]): RiskAction {
  let action: RiskAction = 'allow';
  for (const band of bands) if (score >= band.min) action = stricter(action, band.action);
  return action;
}

/** The sum of the signals' points, capped at {@link MAX_SCORE}. */
export function scoreOf(signals: readonly RiskSignal[]): number {
  return Math.min(MAX_SCORE, signals.reduce((sum, s) => sum + s.points, 0));
}

/**
 * Signals about everyone's traffic rather than this start's (a surge for the tenant, attack mode): they may ask for
 * proof-of-work, which costs a person a second of CPU, but never for a step-up, a hold or a denial — in a flood every
 * start carries them, and people with one registered method could not finish at all.
 */
const CROWD_SIGNALS: ReadonlySet<RiskReason> = new Set<RiskReason>(['tenant_velocity', 'attack_mode']);

/** The action the signals' bands ask for, with the crowd signals' part capped at proof-of-work. */
function bandedAction(signals: readonly RiskSignal[], bands: readonly RiskBand[]): RiskAction {
  const own = bandAction(scoreOf(signals.filter((s) => !CROWD_SIGNALS.has(s.reason))), bands);
  const all = bandAction(scoreOf(signals), bands);
  return stricter(own, severity(all) > severity('proof_of_work') ? 'proof_of_work' : all);
}

/**
 * The decision before the lookup: only `allow`, `proof_of_work` or `deny` (step-up and hold need an account to
 * act on, so a band asking for them asks for proof-of-work here). Attack mode asks for proof-of-work whatever the score.
 */
export function decideBefore(signals: readonly RiskSignal[], policy: ResolvedRiskPolicy): RiskDecision {
  const score = scoreOf(signals);
  let action = bandedAction(signals, policy.bands);
  if (action === 'step_up' || action === 'hold') action = 'proof_of_work';
  if (signals.some((s) => s.reason === 'attack_mode')) action = stricter(action, 'proof_of_work');
  return { score, action, reasons: [...signals] };
}

/**
 * The decision after the lookup: the before-lookup signals and the account's own, judged by the account's bands,
 * never milder than the decision before (a start asked for proof-of-work stays at least there).
 */
export function decideAfter(before: RiskDecision, added: readonly RiskSignal[], policy: ResolvedRiskPolicy): RiskDecision {
  const reasons = [...before.reasons, ...added];
  const score = scoreOf(reasons);
  return { score, action: stricter(before.action, bandedAction(reasons, policy.bands)), reasons };
}

/** The decision of a tenant with the engine switched off. */
export function allowDecision(): RiskDecision {
  return { score: 0, action: 'allow', reasons: [] };
}
