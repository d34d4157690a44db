import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

/** What the security mailboxes are told when a person reports a change as not theirs. */
export interface FraudAlertInput {
  tenantId: string;
  tenantName: string;
  /** The account's id in its directory (operators act on it; no secret). */
  subjectId: string;
  /** The notice the person answered (`password_changed`, …). */
  event: string;
  when: Date;
  publicUrl: string;
  t: MailT;
}

/** "A person reported a change as not theirs": which account, which notice, when, and where in the console to act. */
export function renderFraudAlert(input: FraudAlertInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const subject = tr('fraud_alert.subject');
  const body = tr('fraud_alert.body', { subjectId: clean(input.subjectId), event: tr(`fraud_alert.event_${eventKey(input.event)}`), when: formatUtc(input.when) });
  const held = tr('fraud_alert.held');
  const url = `${baseUrl(input.publicUrl)}/admin/t/${encodeURIComponent(input.tenantId)}/fraud`;
  const next = tr('fraud_alert.next', { url: LINK });
  const footer = tr('common.footer');
  const text = [greetingFor(t, ''), '', body, '', held, '', withUrl(next, url), '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('fraud_alert.heading'), footer, [para(greetingFor(t, '')), para(body), para(held), paraWithLink(next, url)]);
  return { subject, text, html };
}

const EVENTS: ReadonlySet<string> = new Set(['password_changed', 'account_unlocked', 'methods_changed', 'helpdesk_action', 'contacts_imported']);

function eventKey(event: string): string {
  return EVENTS.has(event) ? event : 'other';
}
