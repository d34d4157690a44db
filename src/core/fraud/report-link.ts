import { hashHandle, newFlowHandle } from '../crypto/secrets.js';
import type { ReportLinkRecord } from '../ports/fraud.js';
import type { NoticeTemplate, OutboxMessageInput } from '../ports/outbox.js';
import { REPORT_LINK_TTL_SECONDS } from './fraud-settings.js';

/**
 * The notices about an account that carry a "this wasn't me" link: every mail telling a person something was
 * done to their account (a new password, an unlock, changed security info, a helpdesk action, imported contacts).
 */
export const REPORTABLE_TEMPLATES: ReadonlySet<NoticeTemplate> = new Set<NoticeTemplate>(['password_changed', 'account_unlocked', 'methods_changed', 'helpdesk_action', 'contacts_imported']);

/** The data key the mail renderer reads the link's token from. */
export const REPORT_TOKEN_KEY = 'reportToken';

/**
 * Gives a notice its "this wasn't me" link: a fresh 192-bit token in the message's data (the outbox seals it at
 * rest and the worker renders it into the link) and the record to keep, holding only the token's hash. Null for
 * anything that is not an email notice about a known account (codes, reminders, SMS, decoys).
 */
export function reportLinkFor(message: OutboxMessageInput, now: Date, ttlSeconds = REPORT_LINK_TTL_SECONDS): { message: OutboxMessageInput; link: ReportLinkRecord } | null {
  if (message.channel !== 'email' || message.decoy || !REPORTABLE_TEMPLATES.has(message.template) || !message.subjectId) return null;
  const token = newFlowHandle();
  return {
    message: { ...message, data: { ...message.data, [REPORT_TOKEN_KEY]: token } },
    link: {
      tokenHash: hashHandle(token),
      tenantId: message.tenantId,
      subjectId: message.subjectId,
      flowId: message.flowId ?? null,
      event: message.template,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    },
  };
}
