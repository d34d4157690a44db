import { actorOf, type Operator } from '../admin/operator.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';

/** What an operator entry says beyond who and from where. */
export interface OperatorEntryFields {
  event: AuditEntryInput['event'];
  outcome: AuditEntryInput['outcome'];
  /** The tenant acted on or read (its audit log gets the entry). */
  tenantId: string;
  /** The person acted on or read, when there is one. */
  subjectId?: string | null;
  details?: Record<string, unknown>;
}

/** An audit entry for something an operator did or read in the console or through the admin API. */
export function operatorEntry(operator: Operator, client: ClientInfo, fields: OperatorEntryFields): AuditEntryInput {
  return {
    event: fields.event,
    outcome: fields.outcome,
    tenantId: fields.tenantId,
    subjectId: fields.subjectId ?? null,
    actor: actorOf(operator),
    flowId: null,
    ip: client.ip,
    userAgent: client.userAgent,
    correlationId: client.correlationId,
    details: { ...fields.details, operatorVia: operator.via },
  };
}
