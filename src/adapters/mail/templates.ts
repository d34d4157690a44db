/**
 * The emails of the reset flow, as pure functions: input in, `{ subject, text, html }` out.
 * Strings come from the `mail` namespace (locales/<lng>/mail.json); every interpolated value is
 * cleaned for text and HTML-escaped for HTML. One link carries a secret: the reset mail's link (when the
 * policy allows `email_link`), whose page asks for a press of a button before anything is spent.
 */

import type { MailAttachment } from '../../core/ports/mailer.js';

/** An i18next `TFunction` for the `mail` namespace, or anything with the same call shape. */
export type MailT = (key: string, options?: Record<string, unknown>) => string;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** Files to attach (a scheduled report's CSV). */
  attachments?: MailAttachment[];
}

export interface ResetCodeInput {
  code: string;
  displayName: string;
  tenantName: string;
  expiresInMinutes: number;
  /** The emailed link's token; absent when the policy does not allow links. */
  linkToken?: string;
  /** `unlock`: the person asked to unlock their account, not for a new password (the wording says so). */
  purpose?: 'reset' | 'unlock';
  /** The configured public base URL, never one taken from a request. */
  publicUrl: string;
  t: MailT;
}

export interface PasswordChangedInput {
  displayName: string;
  tenantName: string;
  when: Date;
  ip: string;
  publicUrl: string;
  /** An email address, a URL or free text (e.g. a phone number) for reporting a change that was not the user. */
  supportContact?: string;
  /** The notice's "this wasn't me" token (see `reportLinkParagraph`); absent: no report link. */
  reportToken?: string;
  /** The tenant of the notice: the report link names it, so the report page has its look, language and helpdesk. */
  reportTenant?: string;
  t: MailT;
}

/** Escapes the five characters that matter in HTML text and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function renderResetCode(input: ResetCodeInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const code = clean(input.code);
  const url = `${baseUrl(input.publicUrl)}/reset/code`;
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });

  const kind = input.purpose === 'unlock' ? 'unlock_code' : 'reset_code';
  const subject = tr(`${kind}.subject`);
  const greeting = greetingFor(t, input.displayName);
  const intro = tr(`${kind}.intro`);
  const expires = tr('reset_code.expires', { count: input.expiresInMinutes });
  const where = tr('reset_code.where', { url: LINK });
  const neverShare = tr('reset_code.never_share');
  const ignore = tr('reset_code.ignore');
  const footer = tr('common.footer');
  // The token is URL-safe base64 already; encoding it again is harmless and keeps the URL well-formed whatever it holds.
  const link = input.linkToken ? `${baseUrl(input.publicUrl)}/reset/link?token=${encodeURIComponent(input.linkToken)}` : null;
  const orLink = link ? tr('reset_code.or_link', { url: LINK }) : null;

  const text = [greeting, '', intro, '', `    ${code}`, '', ...(orLink && link ? [withUrl(orLink, link), ''] : []), expires, withUrl(where, url), '', neverShare, ignore, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr(`${kind}.heading`), footer, [
    para(greeting),
    para(intro),
    `<p style="${STYLE.code}">${escapeHtml(code)}</p>`,
    ...(orLink && link ? [paraWithLink(orLink, link)] : []),
    para(expires),
    paraWithLink(where, url),
    para(neverShare),
    para(ignore),
  ]);
  return { subject, text, html };
}

export interface AddressCodeInput {
  code: string;
  displayName: string;
  tenantName: string;
  expiresInMinutes: number;
  /** `test`: the person is testing an address already added (other wording, same code mail). */
  purpose?: 'registration' | 'test';
  t: MailT;
}

/**
 * The code that confirms a new address on the security info page: it proves the person reads this mailbox.
 * With `purpose: 'test'`, the code that tests an address already added.
 */
export function renderAddressCode(input: AddressCodeInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const code = clean(input.code);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const prefix = input.purpose === 'test' ? 'address_test' : 'address_code';
  const subject = tr(`${prefix}.subject`);
  const greeting = greetingFor(t, input.displayName);
  const intro = tr(`${prefix}.intro`);
  const expires = tr('reset_code.expires', { count: input.expiresInMinutes });
  const ignore = tr(`${prefix}.ignore`);
  const footer = tr('common.footer');
  const text = [greeting, '', intro, '', `    ${code}`, '', expires, '', ignore, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr(`${prefix}.heading`), footer, [para(greeting), para(intro), `<p style="${STYLE.code}">${escapeHtml(code)}</p>`, para(expires), para(ignore)]);
  return { subject, text, html };
}

export function renderPasswordChanged(input: PasswordChangedInput): RenderedMail {
  return renderSecurityNotice(input, 'password_changed', 'password_changed.body');
}

/** "Your account was unlocked": when, from where, and what to do if it was not them. */
export function renderAccountUnlocked(input: PasswordChangedInput): RenderedMail {
  return renderSecurityNotice(input, 'account_unlocked', 'account_unlocked.body');
}

export interface MethodsChangedInput extends PasswordChangedInput {
  change: 'added' | 'removed' | 'backup_codes';
  /** The method's label, as the person named it. */
  methodName: string;
}

/** "Your security info changed": a method added or removed, or new backup codes — never a secret. */
export function renderMethodsChanged(input: MethodsChangedInput): RenderedMail {
  return renderSecurityNotice(input, 'methods_changed', `methods_changed.body_${input.change}`, { method: clean(input.methodName) });
}

/** A notice that something about the account changed: what, when, from where, and what to do if it was not them. */
function renderSecurityNotice(input: PasswordChangedInput, prefix: string, bodyKey: string, extra: Record<string, string> = {}): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const url = baseUrl(input.publicUrl);
  const support = input.supportContact === undefined ? '' : clean(input.supportContact);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });

  const subject = tr(`${prefix}.subject`);
  const greeting = greetingFor(t, input.displayName);
  const body = tr(bodyKey, { when: formatUtc(input.when), ip: clean(input.ip), ...extra });
  const ifYou = tr(`${prefix}.if_you`);
  const ifNot = support ? tr(`${prefix}.if_not_support`, { support: CONTACT, url: LINK }) : tr(`${prefix}.if_not`, { url: LINK });
  const footer = tr('common.footer');

  const report = reportLinkParagraph(t, input.publicUrl, input.reportToken, input.reportTenant);
  const text = [greeting, '', body, '', ifYou, withUrl(ifNot, url).split(CONTACT).join(support), ...(report ? ['', report.text] : []), '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr(`${prefix}.heading`), footer, [para(greeting), para(body), para(ifYou), paraWithLink(ifNot, url, support), ...(report ? [report.html] : [])]);
  return { subject, text, html };
}

/**
 * The "this wasn't me" paragraph of a notice: a link to the report page with the notice's single-use token.
 * Opening it only shows a page with a button (mail scanners spend nothing); the button pauses self-service for
 * the account and alerts the organisation. Null without a token (an old queued message, a test).
 */
export function reportLinkParagraph(t: MailT, publicUrl: string, token: string | undefined, tenantId?: string): { text: string; html: string } | null {
  if (!token) return null;
  // The token is URL-safe base64 already; encoding it again keeps the URL well-formed whatever it holds. The tenant
  // is no secret (the mail names the organisation): it gives the page the tenant's look and helpdesk contact.
  const tenant = tenantId ? `&tenant=${encodeURIComponent(tenantId)}` : '';
  const url = `${baseUrl(publicUrl)}/report?token=${encodeURIComponent(token)}${tenant}`;
  const sentence = translate(t, 'report_link.text', { url: LINK });
  return { text: withUrl(sentence, url), html: paraWithLink(sentence, url) };
}

// Placeholders from the Unicode private-use area; clean() strips them from every value, so only
// the template itself can place a link.
export const LINK = '\uE000';
const CONTACT = '\uE001';

const STYLE = {
  body: 'margin:0;padding:24px 12px;background-color:#f3f4f6;',
  card: 'max-width:560px;margin:0 auto;padding:24px;background-color:#ffffff;color:#1f2937;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;border-radius:8px;',
  heading: 'margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827;',
  para: 'margin:0 0 16px;',
  code: 'margin:0 0 16px;padding:12px 16px;font-family:Consolas,Menlo,monospace;font-size:32px;font-weight:700;letter-spacing:0.25em;color:#111827;background-color:#eef2ff;border:1px solid #c7d2fe;border-radius:6px;text-align:center;',
  link: 'color:#1d4ed8;text-decoration:underline;',
  footer: 'margin:24px 0 0;padding-top:16px;border-top:1px solid #e5e7eb;font-size:13px;color:#4b5563;',
} as const;

/** Calls `t` without i18next's own escaping: text must stay raw, and HTML is escaped once, here. */
export function translate(t: MailT, key: string, values: Record<string, unknown>): string {
  return t(key, { ...values, interpolation: { escapeValue: false } });
}

export function greetingFor(t: MailT, displayName: string): string {
  const name = clean(displayName);
  return name ? translate(t, 'common.greeting', { displayName: name }) : translate(t, 'common.greeting_anonymous', {});
}

/**
 * Directory values can be user-controlled: drop control and bidi-override characters (they can
 * forge lines or reorder text to spoof a URL), collapse whitespace and bound the length.
 */
export function clean(value: string): string {
  return value
    .replace(/[\p{Cc}\u202A-\u202E\u2066-\u2069\uE000-\uF8FF]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** The configured base URL without a trailing slash; only http(s) may become a link. */
export function baseUrl(publicUrl: string): string {
  const parsed = new URL(publicUrl);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('publicUrl must be an http(s) URL');
  return parsed.href.replace(/\/+$/, '');
}

/** `2024-05-01 12:34:56 UTC`: unambiguous whatever the reader's time zone. */
export function formatUtc(when: Date): string {
  return when.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function withUrl(sentence: string, url: string): string {
  return sentence.split(LINK).join(url);
}

export function para(text: string): string {
  return `<p style="${STYLE.para}">${escapeHtml(text)}</p>`;
}

/** A sentence whose placeholders become an anchor to `url` and, optionally, a support contact. */
export function paraWithLink(sentence: string, url: string, support = ''): string {
  const anchor = `<a href="${escapeHtml(url)}" style="${STYLE.link}">${escapeHtml(url)}</a>`;
  const html = sentence
    .split(LINK)
    .map((part) => part.split(CONTACT).map(escapeHtml).join(contactHtml(support)))
    .join(anchor);
  return `<p style="${STYLE.para}">${html}</p>`;
}

function contactHtml(support: string): string {
  if (/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(support)) {
    return `<a href="mailto:${escapeHtml(support)}" style="${STYLE.link}">${escapeHtml(support)}</a>`;
  }
  if (/^https?:\/\/\S+$/i.test(support)) {
    return `<a href="${escapeHtml(support)}" style="${STYLE.link}">${escapeHtml(support)}</a>`;
  }
  return escapeHtml(support);
}

export function layout(t: MailT, title: string, heading: string, footer: string, blocks: string[]): string {
  // Locale metadata comes from the strings file; anything unexpected falls back rather than reaching markup.
  const lang = t('common.lang');
  const dir = t('common.dir');
  const safeLang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : 'en';
  const safeDir = dir === 'rtl' ? 'rtl' : 'ltr';
  return [
    '<!DOCTYPE html>',
    `<html lang="${safeLang}" dir="${safeDir}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    `<div role="article" aria-label="${escapeHtml(title)}" lang="${safeLang}" dir="${safeDir}" style="${STYLE.card}">`,
    `<h1 style="${STYLE.heading}">${escapeHtml(heading)}</h1>`,
    ...blocks,
    `<p style="${STYLE.footer}">${escapeHtml(footer)}</p>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}
