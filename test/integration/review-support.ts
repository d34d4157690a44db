import type { RiskAction, RiskSignal } from '../../src/core/risk/risk-types.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * Gives the live flow of a demo-tenant person the risk decision `action` (as the risk engine records it at the start:
 * score, action, reasons in the flow's row), so later steps enforce it. Returns the flow's internal id.
 */
export async function setFlowRisk(t: TestApp, username: string, action: RiskAction, reasons: RiskSignal[] = [{ reason: 'new_device', points: 60, detail: { country: 'NL' } }]): Promise<string> {
  const subjectId = (await t.accountOf(username)).id;
  const db = t.app.database.db;
  const flow = await db.selectFrom('reset_flows').select(['id']).where('subject_id', '=', subjectId).where('state', 'in', ['awaiting_code', 'awaiting_second_proof']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  await db.updateTable('reset_flows').set({ risk_score: 60, risk_action: action, risk_reasons: JSON.stringify(reasons) }).where('id', '=', flow.id).execute();
  return flow.id;
}
