import { actorOf } from '../admin/operator.js';
import { UnlatchError } from '../errors.js';
import type { AuditEvent } from '../ports/audit.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { Store } from '../ports/store.js';
import { helpdeskEntry, type HelpdeskAgent } from './helpdesk-entry.js';

/**
 * Counts one check step against the agent's and the person's limits (`helpdesk.limits`, in the shared limiter,
 * so they hold across nodes). A refusal is audited as `denied` with the limit's name and thrown as `rate_limited`
 * with `retryAfterSeconds`: a person cannot be probed by many agents, nor an agent run through many people.
 */
export async function consumeCheckLimits(
  deps: { limiter: Limiter; store: Store },
  agent: HelpdeskAgent,
  account: DirectoryAccount,
  ticket: string,
  event: Extract<AuditEvent, 'helpdesk.check_started' | 'helpdesk.checked'>,
  details: Record<string, unknown>,
): Promise<void> {
  const limits = [
    ['helpdesk_agent', `${account.tenantId}:${actorOf(agent.operator)}`],
    ['helpdesk_person', `${account.tenantId}:${account.id}`],
  ] as const;
  for (const [bucket, key] of limits) {
    const decision = await deps.limiter.consume(bucket, key);
    if (decision.allowed) continue;
    await deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, event, 'denied', account, ticket, { ...details, reason: 'rate_limited', limit: bucket })));
    throw new UnlatchError('rate_limited', { retryAfterSeconds: decision.retryAfterSeconds, limit: bucket });
  }
}
