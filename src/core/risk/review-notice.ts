import { languageMark } from '../i18n/language-match.js';
import { mailboxesOf } from '../methods/email_code/contact-emails.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import type { Directory } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { ResetFlowRecord } from '../reset/reset-flow-record.js';

export interface ReviewNoticeDeps {
  directory: Pick<Directory, 'findById'>;
  methods: Pick<MethodRepository, 'listForSubject'>;
  tenants: TenantCatalog;
  policyFor: (tenantId: string) => TenantPolicy;
}

/** Queues the decision's notice inside the decision's transaction. */
export type QueueReviewNotice = (tx: StoreTx) => Promise<void>;

/**
 * The notice of an operator's decision on a held reset, to every mailbox the person's codes go to, in the language
 * they started in: approved — go back to the browser where you started before `expiresAt` (the password step's time
 * runs from the approval, and a person may have closed the page during a long wait); rejected — nothing changed,
 * call the helpdesk if it was you. No link with a secret: the flow goes on only in the browser that holds it.
 * The directory and the methods are read here, before the transaction; the returned step only queues the mail.
 */
export async function prepareReviewNotice(
  deps: ReviewNoticeDeps,
  flow: ResetFlowRecord,
  decision: { verdict: 'approve' | 'reject'; at: Date; expiresAt: Date },
): Promise<{ mailboxes: number; queue: QueueReviewNotice }> {
  const account = flow.subjectId === null ? null : await deps.directory.findById(flow.tenantId, flow.subjectId);
  if (!account) return { mailboxes: 0, queue: async () => {} };
  const mailboxes = await mailboxesOf(deps.methods, account, deps.policyFor);
  const data = {
    displayName: account.displayName ?? account.username,
    tenantName: deps.tenants.get(flow.tenantId)?.name ?? flow.tenantId,
    verdict: decision.verdict,
    purpose: flow.purpose,
    when: decision.at.toISOString(),
    expiresAt: decision.expiresAt.toISOString(),
    ...languageMark(flow.lang, account.preferredLanguage),
  };
  return {
    mailboxes: mailboxes.length,
    queue: async (tx) => {
      for (const [index, to] of mailboxes.entries()) {
        await tx.outbox.enqueue({
          channel: 'email', template: 'review_decided', tenantId: flow.tenantId, to, data, subjectId: account.id, flowId: flow.id,
          idempotencyKey: `review:${flow.id}:${index}`.slice(0, 128),
        });
      }
    },
  };
}
