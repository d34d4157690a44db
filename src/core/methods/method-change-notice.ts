import { selfEntry } from '../audit/self-entry.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';

/** What a change to a person's methods needs to be recorded and told. */
export interface MethodChangeDeps {
  methods: MethodRepository;
  tenants: TenantCatalog;
  clock: Clock;
}

/**
 * Records a change to a person's methods inside the caller's transaction: the audit entry, the change
 * counted as a review of their methods, and a "your security info changed" notice to their address
 * through the outbox — a change they did not make is a warning sign. The same as `MethodRegistration`'s
 * own, for registrations that live in their own class (security questions).
 */
export async function recordMethodChange(
  deps: MethodChangeDeps,
  tx: StoreTx,
  account: DirectoryAccount,
  client: ClientInfo,
  change: 'added' | 'removed',
  methodName: string,
  details: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  await tx.audit.append(selfEntry(change === 'added' ? 'method.added' : 'method.removed', 'success', account.tenantId, account.id, null, client, details));
  // Changing one's methods is looking at them: it counts as a review.
  await deps.methods.within(tx).markReviewed(account.tenantId, account.id, now);
  if (!account.email) return;
  await tx.outbox.enqueue({
    channel: 'email',
    template: 'methods_changed',
    tenantId: account.tenantId,
    to: account.email,
    data: {
      displayName: account.displayName ?? account.username,
      tenantName: deps.tenants.get(account.tenantId)?.name ?? account.tenantId,
      change,
      methodName,
      when: now.toISOString(),
      ip: client.ip,
    },
    idempotencyKey: `methods_changed:${account.id}:${now.getTime()}:${change}:${String(details.methodId ?? details.kind)}`,
    subjectId: account.id,
  });
}
