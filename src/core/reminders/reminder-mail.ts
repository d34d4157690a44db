import { createHash } from 'node:crypto';
import { languageMark } from '../i18n/language-match.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { OutboxMessageInput } from '../ports/outbox.js';
import type { ReminderKind } from '../ports/reminder-ledger.js';

/** The mail templates of reminders (rendered by src/adapters/mail/reminder-mail.ts). */
export const ENROLMENT_REMINDER_TEMPLATE = 'enrolment_reminder' as const;
export const EXPIRY_REMINDER_TEMPLATE = 'expiry_reminder' as const;

/** One reminder to send: whom, which round, and what its mail and audit entry say. */
export interface ReminderToSend {
  kind: ReminderKind;
  account: DirectoryAccount;
  to: string;
  round: string;
  tenantName: string;
  /** Template data beyond the person's name and tenant. */
  data: Record<string, string | number | null>;
  /** Audit details beyond the round (never an address). */
  details: Record<string, unknown>;
}

/** The queued mail of a reminder; its idempotency key is the reminder's identity, so delivery dedupes too. */
export function reminderMessage(reminder: ReminderToSend): OutboxMessageInput {
  const { account, kind, round } = reminder;
  const key = createHash('sha256').update(`${account.tenantId}\u0000${account.id}\u0000${kind}\u0000${round}`).digest('hex').slice(0, 40);
  return {
    channel: 'email',
    template: kind === 'enrolment' ? ENROLMENT_REMINDER_TEMPLATE : EXPIRY_REMINDER_TEMPLATE,
    tenantId: account.tenantId,
    to: reminder.to,
    idempotencyKey: `reminder-${key}`,
    subjectId: account.id,
    data: { displayName: account.displayName ?? account.username, tenantName: reminder.tenantName, ...reminder.data, ...languageMark(account.preferredLanguage) },
  };
}

/** The audit entry of a reminder sent: `reminder.enrolment_sent` or `reminder.expiry_sent`, by `system`. */
export function reminderEntry(reminder: ReminderToSend): AuditEntryInput {
  return {
    event: reminder.kind === 'enrolment' ? 'reminder.enrolment_sent' : 'reminder.expiry_sent',
    outcome: 'success',
    tenantId: reminder.account.tenantId,
    subjectId: reminder.account.id,
    actor: 'system',
    details: { round: reminder.round, ...reminder.details },
  };
}
