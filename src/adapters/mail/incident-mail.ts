import { smsTenant, smsText } from '../sms/sms-text.js';
import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

export interface IncidentNoticeInput {
  displayName: string;
  tenantName: string;
  /** `lock`: self-service is paused until `expiresAt`; `strict`: a reset needs stronger proof until then. */
  mode: 'lock' | 'strict';
  when: Date;
  expiresAt: Date;
  /** The incident's id, for the person to quote to the helpdesk. */
  incident: string;
  publicUrl: string;
  supportContact?: string;
  t: MailT;
}

/** Reads the stored mode; anything unknown is told as the stricter one (`lock`). */
export function incidentModeOf(value: unknown): 'lock' | 'strict' {
  return value === 'strict' ? 'strict' : 'lock';
}

/**
 * "After a security incident you must set a new password": what happened, what the person must do and how (change
 * it with the current one on the portal, or reset it, as the mode allows), until when, and whom to ask. No "this
 * wasn't me" link: the organisation did this on purpose. Never a password or a live link with a secret.
 */
export function renderIncidentNotice(input: IncidentNoticeInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const url = baseUrl(input.publicUrl);
  const subject = tr('incident_notice.subject');
  const greeting = greetingFor(t, input.displayName);
  const body = tr('incident_notice.body', { when: formatUtc(input.when) });
  const must = tr('incident_notice.must_change');
  const change = tr('incident_notice.change', { url: LINK });
  const expires = { expires: formatUtc(input.expiresAt), url: LINK };
  const mode = input.mode === 'strict' ? tr('incident_notice.mode_strict', expires) : tr('incident_notice.mode_lock', expires);
  const support = input.supportContact === undefined ? '' : clean(input.supportContact);
  const help = support ? tr('incident_notice.help_support', { support, incident: clean(input.incident) }) : tr('incident_notice.help', { incident: clean(input.incident) });
  const footer = tr('common.footer');
  const modeUrl = `${url}/reset`;
  const text = [greeting, '', body, '', must, withUrl(change, `${url}/change`), '', withUrl(mode, modeUrl), '', help, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('incident_notice.heading'), footer, [
    para(greeting), para(body), para(must), paraWithLink(change, `${url}/change`), mode.includes(LINK) ? paraWithLink(mode, modeUrl) : para(mode), para(help),
  ]);
  return { subject, text, html };
}

/**
 * The text message of an incident notice: short, no link (a link in a text after an incident is what phishers
 * send), telling the person to set a new password and that the details are in their mail.
 */
export function renderIncidentSms(data: Record<string, string | number | null>, t: MailT): string {
  const tenant = smsTenant(data);
  return tenant === '' ? smsText(t, 'sms.incident.unnamed') : smsText(t, 'sms.incident.named', { tenant });
}
