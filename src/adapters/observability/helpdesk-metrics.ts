import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditEntryInput } from '../../core/ports/audit.js';

/** Actions the helpdesk audits as `helpdesk.action` (details.action); anything else is not counted, so labels stay bounded. */
const ACTIONS: ReadonlySet<string> = new Set(['unlock', 'access_pass', 'access_pass_revoked', 'one_time_password', 'remove_method']);

/** The configured cost of one helpdesk ticket (`metrics.helpdeskTicketCost`). */
export interface TicketCost {
  amount: number;
  currency: string;
}

/**
 * SLI M4, helpdesk deflection: actions operators took for people (`unlatch_helpdesk_actions_total`), beside the
 * self-service completions already counted in `unlatch_reset_events_total`, and the configured cost per ticket
 * (`unlatch_helpdesk_ticket_cost`), so recording rules can show savings as completions × cost.
 */
export class HelpdeskMetrics {
  private readonly actions: Counter<'tenant' | 'action' | 'outcome'>;

  constructor(registry: Registry, options: { ticketCost?: TicketCost; tenants: readonly string[] }) {
    const { ticketCost } = options;
    this.actions = new Counter({
      name: 'unlatch_helpdesk_actions_total',
      help: 'Helpdesk actions on a person\'s account by the console (unlock, access_pass, one_time_password, remove_method, access_pass_revoked) and outcome (success, failure, denied). SLI M4.',
      labelNames: ['tenant', 'action', 'outcome'],
      registers: [registry],
    });
    if (ticketCost) {
      // One series per tenant (same value), so a rule can multiply each tenant's completions by it.
      const cost = new Gauge({
        name: 'unlatch_helpdesk_ticket_cost',
        help: 'The configured cost of one helpdesk ticket (metrics.helpdeskTicketCost), for savings = self-service completions × cost.',
        labelNames: ['tenant', 'currency'],
        registers: [registry],
      });
      for (const tenant of options.tenants) cost.set({ tenant, currency: ticketCost.currency }, ticketCost.amount);
    }
  }

  /** Counts `helpdesk.action` entries as they commit. */
  auditCommitted(entry: AuditEntryInput): void {
    if (entry.event !== 'helpdesk.action') return;
    const action = String(entry.details?.action ?? '');
    if (ACTIONS.has(action)) this.actions.inc({ tenant: entry.tenantId, action, outcome: entry.outcome });
  }
}
