import { operatorEntry } from '../audit/operator-entry.js';
import type { Operator } from '../admin/operator.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { DirectoryAccount } from '../ports/directory.js';

/** Who is acting at the helpdesk, and from where. */
export interface HelpdeskAgent {
  operator: Operator;
  client: ClientInfo;
}

/** An audit entry of a helpdesk step: the agent as actor, the person as subject, the ticket always in the details. */
export function helpdeskEntry(
  agent: HelpdeskAgent,
  event: AuditEntryInput['event'],
  outcome: AuditEntryInput['outcome'],
  account: Pick<DirectoryAccount, 'tenantId' | 'id'>,
  ticket: string,
  details: Record<string, unknown> = {},
): AuditEntryInput {
  return operatorEntry(agent.operator, agent.client, { event, outcome, tenantId: account.tenantId, subjectId: account.id, details: { ticket, ...details } });
}
