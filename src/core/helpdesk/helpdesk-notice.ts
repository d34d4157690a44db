import { directoryPhoneOf } from '../methods/directory-contacts.js';
import { languageMark } from '../i18n/language-match.js';
import { mailboxesOf } from '../methods/email_code/contact-emails.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { HelpdeskAction } from '../ports/helpdesk.js';
import type { MethodRepository } from '../ports/methods.js';
import type { StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';

/** What a helpdesk notice needs to find the person's channels. */
export interface HelpdeskNoticeDeps {
  methods: MethodRepository;
  tenants: TenantCatalog;
  policyFor: (tenantId: string) => TenantPolicy;
  /** Whether SMS is configured: then the person's phones hear of it too. */
  smsAvailable: boolean;
}

/** The action told, with what the person should know of it (never a pass or a password). */
export interface HelpdeskNotice {
  action: HelpdeskAction | 'access_pass_revoked';
  ticket: string;
  when: Date;
  /** Stable per action, so a retried transaction never tells twice. */
  idempotencyKey: string;
  /** A pass's end, a removed method's label. */
  expiresAt?: Date;
  methodName?: string;
}

/**
 * Tells the person, inside the action's transaction, on every channel they have: each mailbox (the directory's
 * when trusted, and each confirmed extra one) and, where SMS is configured, each confirmed phone. A helpdesk
 * action someone else talked the helpdesk into is exactly what the person must hear of at once.
 */
export async function announceHelpdeskAction(deps: HelpdeskNoticeDeps, tx: StoreTx, account: DirectoryAccount, notice: HelpdeskNotice): Promise<void> {
  const methods = deps.methods.within(tx);
  const mailboxes = await mailboxesOf(methods, account, deps.policyFor);
  const data = {
    displayName: account.displayName ?? account.username,
    tenantName: deps.tenants.get(account.tenantId)?.name ?? account.tenantId,
    action: notice.action,
    ticket: notice.ticket,
    when: notice.when.toISOString(),
    expiresAt: notice.expiresAt?.toISOString() ?? null,
    methodName: notice.methodName ?? null,
    // The person's language, never the operator's page's: the notice is for the person.
    ...languageMark(account.preferredLanguage),
  };
  const common = { template: 'helpdesk_action' as const, tenantId: account.tenantId, data, subjectId: account.id };
  for (const [index, to] of mailboxes.entries()) {
    await tx.outbox.enqueue({ ...common, channel: 'email', to, idempotencyKey: `${notice.idempotencyKey}:mail:${index}` });
  }
  if (!deps.smsAvailable) return;
  const registered = (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'sms_code' && m.confirmed && typeof m.data.phone === 'string');
  const directoryPhone = directoryPhoneOf(account, decidePolicy(deps.policyFor(account.tenantId), account));
  const phones = [...new Set([...(directoryPhone ? [directoryPhone] : []), ...registered.map((m) => String(m.data.phone))])];
  for (const [index, to] of phones.entries()) {
    await tx.outbox.enqueue({ ...common, channel: 'sms', to, idempotencyKey: `${notice.idempotencyKey}:sms:${index}` });
  }
}
