import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, reportLinkParagraph, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

/** What the helpdesk did, as the notice to the person says it. */
export type HelpdeskNoticeAction = 'unlock' | 'access_pass' | 'access_pass_revoked' | 'one_time_password' | 'remove_method';

export interface HelpdeskActionInput {
  displayName: string;
  tenantName: string;
  action: HelpdeskNoticeAction;
  ticket: string;
  when: Date;
  /** A pass's end. */
  expiresAt: Date | null;
  /** A removed method's label. */
  methodName: string;
  publicUrl: string;
  supportContact?: string;
  /** The notice's "this wasn't me" token; absent: no report link. */
  reportToken?: string;
  /** The tenant of the notice: the report link names it, so the report page has its look, language and helpdesk. */
  reportTenant?: string;
  t: MailT;
}

/** Reads the stored action name; anything unknown is told as the most general one. */
export function helpdeskActionOf(value: unknown): HelpdeskNoticeAction {
  return value === 'unlock' || value === 'access_pass' || value === 'access_pass_revoked' || value === 'one_time_password' || value === 'remove_method' ? value : 'unlock';
}

/**
 * "The helpdesk did this to your account": what, when, the ticket, and what to do if the person never called —
 * a helpdesk talked into acting for a stranger is the breach this notice exposes. Never a pass or a password.
 */
export function renderHelpdeskAction(input: HelpdeskActionInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const subject = tr('helpdesk_action.subject');
  const greeting = greetingFor(t, input.displayName);
  const body = tr(`helpdesk_action.body_${input.action}`, {
    when: formatUtc(input.when), ticket: clean(input.ticket), method: clean(input.methodName), expires: input.expiresAt ? formatUtc(input.expiresAt) : '',
  });
  const support = input.supportContact === undefined ? '' : clean(input.supportContact);
  const ifNot = support ? tr('helpdesk_action.if_not_support', { support }) : tr('helpdesk_action.if_not');
  const url = baseUrl(input.publicUrl);
  const footer = tr('common.footer');
  const reset = tr('helpdesk_action.reset', { url: LINK });
  const report = reportLinkParagraph(t, input.publicUrl, input.reportToken, input.reportTenant);
  const text = [greeting, '', body, '', tr('helpdesk_action.if_you'), ifNot, withUrl(reset, `${url}/reset`), ...(report ? ['', report.text] : []), '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('helpdesk_action.heading'), footer, [para(greeting), para(body), para(tr('helpdesk_action.if_you')), para(ifNot), paraWithLink(reset, `${url}/reset`), ...(report ? [report.html] : [])]);
  return { subject, text, html };
}

export interface HelpdeskCodeInput {
  code: string;
  displayName: string;
  tenantName: string;
  expiresInMinutes: number;
  t: MailT;
}

/**
 * The code a helpdesk agent asks the person to read back on the phone. Unlike every other code, this one is
 * meant to be told — but only to the helpdesk the person called themselves, which the mail says plainly.
 */
export function renderHelpdeskCode(input: HelpdeskCodeInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const code = clean(input.code);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const subject = tr('helpdesk_code.subject');
  const greeting = greetingFor(t, input.displayName);
  const intro = tr('helpdesk_code.intro');
  const expires = tr('reset_code.expires', { count: input.expiresInMinutes });
  const warning = tr('helpdesk_code.only_if_you_called');
  const footer = tr('common.footer');
  const text = [greeting, '', intro, '', `    ${code}`, '', expires, '', warning, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('helpdesk_code.heading'), footer, [para(greeting), para(intro), `<p style="margin:0 0 16px;font-family:Consolas,Menlo,monospace;font-size:32px;font-weight:700;letter-spacing:0.25em;text-align:center;">${code.replace(/[^0-9]/g, '')}</p>`, para(expires), para(warning)]);
  return { subject, text, html };
}
