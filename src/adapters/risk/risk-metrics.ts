import { Counter, type Registry } from 'prom-client';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import { RISK_ACTIONS } from '../../core/risk/risk-types.js';

const ACTIONS: ReadonlySet<string> = new Set(RISK_ACTIONS);

/**
 * `unlatch_risk_decisions_total{tenant, action}`: the risk engine's decisions at the start of resets and unlocks,
 * counted from committed `reset.started` entries (so a start counts once it is really recorded). Tenants outside
 * the configuration count as `unknown`, so a client naming tenants cannot grow the label set.
 */
export class RiskMetrics {
  private readonly decisions: Counter<'tenant' | 'action'>;
  private readonly tenants: ReadonlySet<string>;

  constructor(registry: Registry, tenants: readonly string[]) {
    this.tenants = new Set(tenants);
    this.decisions = new Counter({
      name: 'unlatch_risk_decisions_total',
      help: 'Risk decisions at the start of a reset or unlock by action (allow, proof_of_work, step_up, hold, deny). See docs/risk.md.',
      labelNames: ['tenant', 'action'],
      registers: [registry],
    });
  }

  auditCommitted(entries: readonly AuditEntryInput[]): void {
    for (const entry of entries) {
      if (entry.event !== 'reset.started' || entry.details?.canary === true) continue;
      const action = String((entry.details?.risk as { action?: unknown } | undefined)?.action ?? '');
      if (!ACTIONS.has(action)) continue;
      this.decisions.inc({ tenant: this.tenants.has(entry.tenantId) ? entry.tenantId : 'unknown', action });
    }
  }
}
