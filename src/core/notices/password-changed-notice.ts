import type { ClientInfo } from '../ports/client-info.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { StoreTx } from '../ports/store.js';
import { canaryMark } from '../reset/canary-accounts.js';
import { languageMark } from '../i18n/language-match.js';

/** Where a notice goes and what it is about: the person's mailboxes (see `mailboxesOf`), when, from where. */
export interface AccountNotice {
  account: DirectoryAccount;
  mailboxes: readonly string[];
  tenantName: string;
  when: Date;
  client: ClientInfo;
  idempotencyKey: string;
  flowId: string | null;
  /** A canary's flow (synthetic check): the message is marked so its delivery is counted apart from people's. */
  canary?: boolean;
  /** The language of the flow that did it; else the person's directory `preferredLanguage`, else the tenant's default. */
  lang?: string | null;
}

/** "Your password was changed" — time and IP, never the password and never a live link. */
export function enqueuePasswordChangedNotice(tx: StoreTx, notice: AccountNotice): Promise<void> {
  return enqueueAccountNotice(tx, 'password_changed', notice);
}

/** "Your account was unlocked" — time and IP; sent like a password change, because a stranger doing it is a warning. */
export function enqueueAccountUnlockedNotice(tx: StoreTx, notice: AccountNotice): Promise<void> {
  return enqueueAccountNotice(tx, 'account_unlocked', notice);
}

/** A notice about something done to the account, to each of the person's mailboxes; nothing secret. */
async function enqueueAccountNotice(tx: StoreTx, template: 'password_changed' | 'account_unlocked', notice: AccountNotice): Promise<void> {
  const { account } = notice;
  for (const [index, to] of notice.mailboxes.entries()) {
    await tx.outbox.enqueue({
      channel: 'email',
      template,
      tenantId: account.tenantId,
      to,
      data: { displayName: account.displayName ?? account.username, tenantName: notice.tenantName, when: notice.when.toISOString(), ip: notice.client.ip, ...canaryMark(notice.canary), ...languageMark(notice.lang, notice.client.lang, account.preferredLanguage) },
      // The first address keeps the key it always had, so a retried step never mails twice.
      idempotencyKey: index === 0 ? notice.idempotencyKey : `${notice.idempotencyKey}:${index}`,
      flowId: notice.flowId,
      subjectId: account.id,
    });
  }
}
