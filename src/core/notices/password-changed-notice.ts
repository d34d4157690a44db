import type { ClientInfo } from '../ports/client-info.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { StoreTx } from '../ports/store.js';

/** "Your password was changed" — time and IP, never the password and never a live link. */
export function enqueuePasswordChangedNotice(tx: StoreTx, account: DirectoryAccount, tenantName: string, when: Date, client: ClientInfo, idempotencyKey: string, flowId: string | null): Promise<void> {
  return enqueueAccountNotice(tx, 'password_changed', account, tenantName, when, client, idempotencyKey, flowId);
}

/** "Your account was unlocked" — time and IP; sent like a password change, because a stranger doing it is a warning. */
export function enqueueAccountUnlockedNotice(tx: StoreTx, account: DirectoryAccount, tenantName: string, when: Date, client: ClientInfo, idempotencyKey: string, flowId: string | null): Promise<void> {
  return enqueueAccountNotice(tx, 'account_unlocked', account, tenantName, when, client, idempotencyKey, flowId);
}

/** A notice about something done to the account: who it was for, when, from where; nothing secret. */
async function enqueueAccountNotice(
  tx: StoreTx,
  template: 'password_changed' | 'account_unlocked',
  account: DirectoryAccount,
  tenantName: string,
  when: Date,
  client: ClientInfo,
  idempotencyKey: string,
  flowId: string | null,
): Promise<void> {
  if (!account.email) return;
  await tx.outbox.enqueue({
    channel: 'email',
    template,
    tenantId: account.tenantId,
    to: account.email,
    data: { displayName: account.displayName ?? account.username, tenantName, when: when.toISOString(), ip: client.ip },
    idempotencyKey,
    flowId,
    subjectId: account.id,
  });
}
