import type { AuditRecord } from '../../../../core/ports/audit-query.js';
import { RISK_ACTIONS, RISK_REASONS, type RiskAction, type RiskSignal } from '../../../../core/risk/risk-types.js';

/** One start's risk decision as the person page shows it (read from its `reset.started` audit entry). */
export interface PersonRiskDecision {
  at: Date;
  flowId: string | null;
  outcome: string;
  score: number;
  action: RiskAction;
  reasons: RiskSignal[];
}

/** Recent starts shown with their decision. */
export const RISK_STARTS = 10;

const ACTIONS: ReadonlySet<string> = new Set(RISK_ACTIONS);
const REASONS: ReadonlySet<string> = new Set(RISK_REASONS);

/**
 * The risk decisions of `reset.started` entries (newest first), skipping entries from before the engine and any
 * reason or action this version does not know (so the page only ever builds keys the catalogue has).
 */
export function riskDecisionsOf(entries: readonly AuditRecord[]): PersonRiskDecision[] {
  const decisions: PersonRiskDecision[] = [];
  for (const entry of entries) {
    const risk = (entry.details as { risk?: { score?: unknown; action?: unknown; reasons?: unknown } } | null)?.risk;
    if (!risk || typeof risk.score !== 'number' || !ACTIONS.has(String(risk.action))) continue;
    const reasons = Array.isArray(risk.reasons) ? (risk.reasons as RiskSignal[]).filter((r) => REASONS.has(String(r?.reason))) : [];
    decisions.push({ at: entry.at, flowId: entry.flowId, outcome: entry.outcome, score: risk.score, action: risk.action as RiskAction, reasons });
  }
  return decisions;
}
