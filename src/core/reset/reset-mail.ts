import { selfEntry } from '../audit/self-entry.js';
import { canaryMark, flowDetails } from './canary-accounts.js';
import { languageMark } from '../i18n/language-match.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { StoreTx } from '../ports/store.js';
import type { ResetFlowRecord } from './reset-flow-record.js';

/** What every reset mail of one flow says: the code, the link's token (when links are allowed), who and where. */
export interface ResetMailContent {
  code: string;
  linkToken: string | null;
  /** `unlock` mails say "unlock", not "reset". */
  purpose: 'reset' | 'unlock';
  tenantName: string;
  expiresInMinutes: number;
}

/**
 * Queues the reset mail of a real flow to each of the person's addresses (the directory's and every confirmed
 * extra one), in the flow's transaction. An address whose send limit is spent gets nothing and an audit entry
 * instead; the person sees the same page either way (mail pumping must not tell anything).
 */
export async function enqueueResetMails(
  tx: StoreTx,
  input: { flow: ResetFlowRecord; account: DirectoryAccount; addresses: readonly string[]; suppressed: ReadonlySet<string>; content: ResetMailContent; client: ClientInfo },
): Promise<void> {
  const { flow, account, content } = input;
  for (const [index, to] of input.addresses.entries()) {
    if (input.suppressed.has(to)) {
      await tx.audit.append(selfEntry('reset.send_suppressed', 'denied', flow.tenantId, account.id, flow.id, input.client, flowDetails(flow, { bucket: 'send_destination', address: index })));
      continue;
    }
    await tx.outbox.enqueue({
      channel: 'email',
      template: 'reset_code',
      tenantId: flow.tenantId,
      to,
      data: { ...content, displayName: account.displayName ?? account.username, ...canaryMark(flow.canary), ...languageMark(flow.lang, account.preferredLanguage) },
      // The first address keeps the key it always had, so a retried start never mails twice.
      idempotencyKey: index === 0 ? `reset_code:${flow.id}` : `reset_code:${flow.id}:${index}`,
      flowId: flow.id,
      subjectId: account.id,
    });
  }
}

/**
 * The mail of a decoy flow: rendered by the worker like a real one and then dropped, so the work (and the
 * time it takes) does not tell a decoy from a real reset.
 */
export async function enqueueDecoyMail(tx: StoreTx, flow: ResetFlowRecord, displayName: string, content: ResetMailContent): Promise<void> {
  await tx.outbox.enqueue({
    channel: 'email',
    template: 'reset_code',
    tenantId: flow.tenantId,
    to: '',
    data: { ...content, displayName, ...languageMark(flow.lang) },
    idempotencyKey: `reset_code:${flow.id}`,
    decoy: true,
  });
}
