import type { i18n } from 'i18next';
import type { ClaimedMessage } from '../store/outbox-repository.js';
import { messageLanguage } from '../../core/i18n/language-match.js';
import { renderSmsCode } from '../sms/sms-text.js';
import { renderHelpdeskSms } from '../sms/helpdesk-sms-text.js';
import { renderContactsImported } from './contacts-imported-mail.js';
import { incidentModeOf, renderIncidentNotice, renderIncidentSms } from './incident-mail.js';
import { renderReviewDecided, reviewVerdictOf } from './review-mail.js';
import { renderReportReady } from './report-mail.js';
import { renderFraudAlert } from './report-link-mail.js';
import { helpdeskActionOf, renderHelpdeskAction, renderHelpdeskCode } from './helpdesk-mail.js';
import { renderEnrolmentReminder, renderExpiryReminder } from './reminder-mail.js';
import { renderAccountUnlocked, renderAddressCode, renderMethodsChanged, renderPasswordChanged, renderResetCode, type MailT, type RenderedMail } from './templates.js';

/**
 * i18next resolves, interpolates and pluralizes on every call, a large part of a message's cost.
 * Most calls repeat (same key, same tenant, same expiry), so results are kept, a bounded number of them.
 */
function memoize(t: MailT, max = 2000): MailT {
  const cache = new Map<string, string>();
  return (key, options) => {
    const id = options === undefined ? key : `${key}\u0000${JSON.stringify(options)}`;
    let text = cache.get(id);
    if (text === undefined) {
      text = t(key, options);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(id, text);
    }
    return text;
  };
}

/** Where a renderer finds its texts: the installed catalogue, each tenant's (with its overrides) and default language. */
export interface MessageTexts {
  i18n: i18n;
  /** A tenant's catalogue with its overrides (`i18n.overrides`); absent: the installed one for every tenant. */
  i18nFor?: (tenantId: string) => i18n;
  /** A tenant's `defaultLanguage`, for messages whose flow and person name none. */
  defaultLanguageOf?: (tenantId: string) => string | undefined;
}

/**
 * The `mail` translator of a message: in its `lang` (the flow's language, or the person's directory
 * `preferredLanguage`, put there by core), else the tenant's default language, else English; with the tenant's
 * overrides. One memoized translator per tenant and language.
 */
export function messageTranslator(texts: MessageTexts): (message: Pick<ClaimedMessage, 'tenantId' | 'data'>) => MailT {
  const cache = new Map<string, MailT>();
  const languages = new Map<i18n, string[]>();
  return (message) => {
    const catalogue = texts.i18nFor ? texts.i18nFor(message.tenantId) : texts.i18n;
    let available = languages.get(catalogue);
    if (!available) languages.set(catalogue, (available = Object.keys(catalogue.store.data).filter((lng) => catalogue.hasResourceBundle(lng, 'mail'))));
    const requested = typeof message.data.lang === 'string' ? message.data.lang : undefined;
    const lang = messageLanguage([requested, texts.defaultLanguageOf?.(message.tenantId)], available);
    const id = `${message.tenantId}\u0000${lang}`;
    let t = cache.get(id);
    if (!t) cache.set(id, (t = memoize(catalogue.getFixedT(lang, 'mail'))));
    return t;
  };
}

/** Turns a queued text message (`sms_code`, `helpdesk_action`) into its text, in the message's language. */
export function createSmsRenderer(texts: MessageTexts): (message: ClaimedMessage) => string {
  const translatorOf = messageTranslator(texts);
  return (message) => {
    if (message.template === 'incident_notice') return renderIncidentSms(message.data, translatorOf(message));
    return message.template === 'helpdesk_action' ? renderHelpdeskSms(message.data, translatorOf(message)) : renderSmsCode(message.data, translatorOf(message));
  };
}

/** Turns a queued message into the mail to send, at delivery time, in the language of its flow or person (see `messageTranslator`). */
export function createMailRenderer(options: MessageTexts & { publicUrl: string; supportContact?: string }): (message: ClaimedMessage) => RenderedMail {
  const translatorOf = messageTranslator(options);
  return (message) => {
    const data = message.data;
    const t = translatorOf(message);
    // What every notice about an account carries: who, when, where to get help, and its "this wasn't me" link.
    const notice = () => ({
      displayName: String(data.displayName ?? ''),
      tenantName: String(data.tenantName ?? ''),
      when: new Date(String(data.when)),
      publicUrl: options.publicUrl,
      supportContact: options.supportContact,
      reportToken: reportTokenOf(data),
      reportTenant: message.tenantId,
      t,
    });
    switch (message.template) {
      case 'reset_code':
        return renderResetCode({
          code: String(data.code),
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          expiresInMinutes: Number(data.expiresInMinutes ?? 10),
          ...(typeof data.linkToken === 'string' ? { linkToken: data.linkToken } : {}),
          purpose: data.purpose === 'unlock' ? 'unlock' : 'reset',
          publicUrl: options.publicUrl,
          t,
        });
      case 'address_code':
        if (data.purpose === 'helpdesk') {
          return renderHelpdeskCode({ code: String(data.code), displayName: String(data.displayName ?? ''), tenantName: String(data.tenantName ?? ''), expiresInMinutes: Number(data.expiresInMinutes ?? 10), t });
        }
        return renderAddressCode({
          code: String(data.code),
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          expiresInMinutes: Number(data.expiresInMinutes ?? 10),
          purpose: data.purpose === 'test' ? 'test' : 'registration',
          t,
        });
      case 'password_changed':
      case 'account_unlocked':
        return (message.template === 'password_changed' ? renderPasswordChanged : renderAccountUnlocked)({ ...notice(), ip: String(data.ip ?? '') });
      case 'methods_changed':
        return renderMethodsChanged({
          ...notice(),
          ip: String(data.ip ?? ''),
          change: data.change === 'added' || data.change === 'removed' ? data.change : 'backup_codes',
          methodName: String(data.methodName ?? ''),
        });
      case 'contacts_imported':
        return renderContactsImported({
          ...notice(),
          added: String(data.added ?? ''),
          confirmed: data.confirmed === 1,
          source: data.source === 'directory' ? 'directory' : 'import',
        });
      case 'helpdesk_action':
        return renderHelpdeskAction({
          ...notice(),
          action: helpdeskActionOf(data.action),
          ticket: String(data.ticket ?? ''),
          expiresAt: typeof data.expiresAt === 'string' ? new Date(data.expiresAt) : null,
          methodName: String(data.methodName ?? ''),
        });
      case 'incident_notice':
        return renderIncidentNotice({
          ...notice(),
          mode: incidentModeOf(data.mode),
          expiresAt: new Date(String(data.expiresAt)),
          incident: String(data.incident ?? ''),
        });
      case 'review_decided':
        return renderReviewDecided({
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          verdict: reviewVerdictOf(data.verdict),
          purpose: data.purpose === 'unlock' ? 'unlock' : 'reset',
          when: new Date(String(data.when)),
          expiresAt: new Date(String(data.expiresAt)),
          publicUrl: options.publicUrl,
          ...(options.supportContact === undefined ? {} : { supportContact: options.supportContact }),
          t,
        });
      case 'fraud_alert':
        return renderFraudAlert({
          tenantId: String(data.tenantId ?? ''),
          tenantName: String(data.tenantName ?? ''),
          subjectId: String(data.subjectId ?? ''),
          event: String(data.event ?? ''),
          when: new Date(String(data.when)),
          publicUrl: options.publicUrl,
          t,
        });
      case 'report_ready':
        return renderReportReady({
          report: String(data.report),
          tenantId: String(data.tenantId),
          tenantName: String(data.tenantName ?? ''),
          dueAt: new Date(String(data.dueAt)),
          params: jsonObject(data.params) as Record<string, string>,
          figures: jsonArray(data.figures) as Array<{ key: string; value: number }>,
          rows: Number(data.rows ?? 0),
          truncated: data.truncated === 1,
          filename: String(data.filename ?? 'report.csv'),
          csv: String(data.csv ?? ''),
          publicUrl: options.publicUrl,
          t,
        });
      case 'enrolment_reminder':
        return renderEnrolmentReminder({
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          deadline: typeof data.deadline === 'string' ? new Date(data.deadline) : null,
          overdue: data.overdue === 1,
          publicUrl: options.publicUrl,
          t,
        });
      case 'expiry_reminder':
        return renderExpiryReminder({
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          expiresAt: new Date(String(data.expiresAt)),
          daysLeft: Number(data.daysLeft ?? 1),
          publicUrl: options.publicUrl,
          t,
        });
      default:
        throw new Error(`no template ${String(message.template)}`);
    }
  };
}

/** The "this wasn't me" token the store put into a notice's data (`reportLinkFor`), if any. */
function reportTokenOf(data: Record<string, unknown>): string | undefined {
  return typeof data.reportToken === 'string' ? data.reportToken : undefined;
}

function jsonObject(value: unknown): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(String(value ?? '{}'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function jsonArray(value: unknown): unknown[] {
  try {
    const parsed: unknown = JSON.parse(String(value ?? '[]'));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
