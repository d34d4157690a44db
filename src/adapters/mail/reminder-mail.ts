import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

/** What an enrolment reminder shows (queued by the reminder job). */
export interface EnrolmentReminderInput {
  displayName: string;
  tenantName: string;
  /** The registration deadline, when there is one. */
  deadline: Date | null;
  /** Sent after the deadline: the wording is firmer. */
  overdue: boolean;
  publicUrl: string;
  t: MailT;
}

/** What a password expiry reminder shows. */
export interface ExpiryReminderInput {
  displayName: string;
  tenantName: string;
  expiresAt: Date;
  daysLeft: number;
  publicUrl: string;
  t: MailT;
}

/**
 * An enrolment reminder: why registering a method matters (without one, a forgotten password cannot be reset
 * here), by when, and a link to the security info page. No secret and nothing to click that acts on its own:
 * the link leads to a sign-in page.
 */
export function renderEnrolmentReminder(input: EnrolmentReminderInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const url = `${baseUrl(input.publicUrl)}/security-info`;
  const subject = tr(input.overdue ? 'enrolment_reminder.subject_overdue' : 'enrolment_reminder.subject');
  const greeting = greetingFor(t, input.displayName);
  const why = tr('enrolment_reminder.why');
  const deadline = input.deadline ? tr(input.overdue ? 'enrolment_reminder.deadline_passed' : 'enrolment_reminder.deadline', { date: formatUtc(input.deadline).slice(0, 10) }) : null;
  const open = tr('enrolment_reminder.open', { url: LINK });
  const footer = tr('enrolment_reminder.footer');
  const text = [greeting, '', why, ...(deadline ? ['', deadline] : []), '', withUrl(open, url), '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('enrolment_reminder.heading'), footer, [para(greeting), para(why), ...(deadline ? [para(deadline)] : []), paraWithLink(open, url)]);
  return { subject, text, html };
}

/** A password expiry reminder: when it expires, and a link to `/change` (changing it in time keeps the account usable). */
export function renderExpiryReminder(input: ExpiryReminderInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const url = `${baseUrl(input.publicUrl)}/change`;
  const days = Math.max(1, Math.round(input.daysLeft));
  const subject = tr('expiry_reminder.subject', { count: days });
  const greeting = greetingFor(t, input.displayName);
  const body = tr('expiry_reminder.body', { when: formatUtc(input.expiresAt), count: days });
  const open = tr('expiry_reminder.open', { url: LINK });
  const ignore = tr('expiry_reminder.ignore');
  const footer = tr('common.footer');
  const text = [greeting, '', body, '', withUrl(open, url), '', ignore, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('expiry_reminder.heading'), footer, [para(greeting), para(body), paraWithLink(open, url), para(ignore)]);
  return { subject, text, html };
}
