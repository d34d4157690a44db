import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;

/**
 * How long helpdesk checks, temporary access passes and approval requests stay after they ended (days). Long
 * enough for an operator looking into a case (a caller's complaint, a suspicious pass) to see the rows behind
 * the audit entries; the audit log keeps the permanent record of every check, pass and decision.
 */
export const HELPDESK_RETENTION_DAYS = 30;

/**
 * Expiry reminder rows stay this long after they were sent (days). Nothing reads older ones: the reminder job
 * looks back at most the longest threshold (≤ 365 days) plus a day, the expiry report 366 days. And such a row's
 * round can never come again: its key holds the password's expiry, at most 365 days after the row was sent, so
 * that expiry is long past and an expired password gets no reminder.
 */
export const EXPIRY_REMINDER_RETENTION_DAYS = 400;

/** What the helpdesk and reminder purge removed. */
export interface HelpdeskPurgeReport {
  helpdeskChecks: number;
  accessPasses: number;
  helpdeskRequests: number;
  expiryReminders: number;
}

/**
 * Deletes the helpdesk's and the reminders' rows nobody can use any more:
 * - checks whose answer time and validity both ended more than the retention ago (failed ones included);
 * - access passes that expired, were spent or were revoked more than the retention ago;
 * - approval requests that were refused, used or marked expired, and ended more than the retention ago. Pending
 *   and approved ones stay even when late: the console marks them expired (and audits it) when it lists them;
 * - expiry reminder rows older than their retention (see above).
 *
 * Enrolment reminder rows are never deleted: a person's rounds (`r1`, `r2`, … and the `seen` note) are what
 * count their reminders and space them out, and they stay relevant as long as the person is uncovered — a
 * deleted round would be sent again.
 */
export async function purgeHelpdeskAndReminders(db: Kysely<Database>, now: Date): Promise<HelpdeskPurgeReport> {
  const before = now.getTime() - HELPDESK_RETENTION_DAYS * DAY_MS;
  const checks = await db
    .deleteFrom('helpdesk_checks')
    .where('expires_at', '<', before)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '<', before)]))
    .executeTakeFirst();
  const passes = await db
    .deleteFrom('access_passes')
    .where((eb) => eb.or([
      eb('expires_at', '<', before),
      eb('revoked_at', '<', before),
      eb.and([eb('uses_left', '<=', 0), eb('used_at', '<', before)]),
    ]))
    .executeTakeFirst();
  const requests = await db
    .deleteFrom('helpdesk_requests')
    .where('state', 'in', ['refused', 'used', 'expired'])
    .where('expires_at', '<', before)
    .where((eb) => eb.or([eb('decided_at', 'is', null), eb('decided_at', '<', before)]))
    .where((eb) => eb.or([eb('used_at', 'is', null), eb('used_at', '<', before)]))
    .executeTakeFirst();
  const reminders = await db
    .deleteFrom('reminders_sent')
    .where('kind', '=', 'expiry')
    .where('sent_at', '<', now.getTime() - EXPIRY_REMINDER_RETENTION_DAYS * DAY_MS)
    .executeTakeFirst();
  return {
    helpdeskChecks: Number(checks.numDeletedRows),
    accessPasses: Number(passes.numDeletedRows),
    helpdeskRequests: Number(requests.numDeletedRows),
    expiryReminders: Number(reminders.numDeletedRows),
  };
}
