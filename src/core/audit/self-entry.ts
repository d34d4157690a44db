import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';

/** An audit entry for something a person did for themselves, from where they did it. */
export function selfEntry(
  event: AuditEntryInput['event'],
  outcome: AuditEntryInput['outcome'],
  tenantId: string,
  subjectId: string | null,
  flowId: string | null,
  client: ClientInfo,
  details?: Record<string, unknown>,
): AuditEntryInput {
  return {
    event,
    outcome,
    tenantId,
    subjectId,
    actor: 'self',
    flowId,
    ip: client.ip,
    userAgent: client.userAgent,
    correlationId: client.correlationId,
    details,
  };
}
