import { selfEntry } from '../audit/self-entry.js';
import { languageMark } from '../i18n/language-match.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import { mailboxesOf } from './email_code/contact-emails.js';
import type { TenantPolicy } from '../policy/method-policy.js';

/** What a change to a person's methods needs to be recorded and told. */
export interface MethodChangeDeps {
  methods: MethodRepository;
  tenants: TenantCatalog;
  clock: Clock;
  /** The method policy, for whether the directory's address counts (`directoryEmail`); without it, it does. */
  policyFor?: (tenantId: string) => TenantPolicy;
}

/**
 * Records a change to a person's methods inside the caller's transaction: the audit entry, the change
 * counted as a review of their methods, and a "your security info changed" notice to their address
 * through the outbox — a change they did not make is a warning sign. Every registration class uses it.
 */
export async function recordMethodChange(
  deps: MethodChangeDeps,
  tx: StoreTx,
  account: DirectoryAccount,
  client: ClientInfo,
  change: 'added' | 'removed' | 'backup_codes',
  methodName: string,
  details: Record<string, unknown>,
): Promise<void> {
  const now = deps.clock.now();
  const event = change === 'added' ? 'method.added' : change === 'removed' ? 'method.removed' : 'method.backup_codes_generated';
  await tx.audit.append(selfEntry(event, 'success', account.tenantId, account.id, null, client, details));
  // Changing one's methods is looking at them: it counts as a review.
  await deps.methods.within(tx).markReviewed(account.tenantId, account.id, now);
  // Every mailbox the person has hears of it: the directory's and each confirmed extra one.
  const mailboxes = await mailboxesOf(deps.methods.within(tx), account, deps.policyFor);
  for (const [index, to] of mailboxes.entries()) {
    await tx.outbox.enqueue({
      channel: 'email',
      template: 'methods_changed',
      tenantId: account.tenantId,
      to,
      data: {
        displayName: account.displayName ?? account.username,
        tenantName: deps.tenants.get(account.tenantId)?.name ?? account.tenantId,
        change,
        methodName,
        when: now.toISOString(),
        ip: client.ip,
        ...languageMark(client.lang, account.preferredLanguage),
      },
      idempotencyKey: `methods_changed:${account.id}:${now.getTime()}:${change}:${String(details.methodId ?? details.kind)}${index === 0 ? '' : `:${index}`}`,
      subjectId: account.id,
    });
  }
}
