import type { MailT } from '../mail/templates.js';

/** What SMS texts may carry of a tenant's name: letters, digits and a little punctuation, at most 40 characters. */
export function smsTenant(data: Record<string, string | number | null>): string {
  return String(data.tenantName ?? '').replace(/[^\p{L}\p{N} .&'-]/gu, '').slice(0, 40).trim();
}

/** Calls `t` without i18next's escaping: a text message is plain text. */
export function smsText(t: MailT, key: string, values: Record<string, unknown> = {}): string {
  return t(key, { ...values, interpolation: { escapeValue: false } });
}

const CODE_PURPOSES: ReadonlySet<string> = new Set(['reset', 'registration', 'signin', 'test']);

/**
 * The text of a code message (`sms.code.*` of the `mail` namespace, in the message's language). Short (one SMS
 * segment in GSM-7 for usual tenant names in English), the code first so phones can offer it for autofill, and a
 * warning not to pass it on (the usual social-engineering script asks for "the code we just sent you").
 */
export function renderSmsCode(data: Record<string, string | number | null>, t: MailT): string {
  const code = String(data.code ?? '');
  if (!/^[0-9]{6,10}$/.test(code)) throw new Error('sms_code message without a code');
  const tenant = smsTenant(data);
  const minutes = Number(data.expiresInMinutes ?? 10);
  // The helpdesk's code is the one code meant to be told: only to a helpdesk the person called themselves.
  if (data.purpose === 'helpdesk') {
    const helpdesk = tenant === '' ? smsText(t, 'sms.helpdesk.unnamed') : smsText(t, 'sms.helpdesk.named', { tenant });
    return smsText(t, 'sms.code.helpdesk', { code, helpdesk, minutes, count: minutes });
  }
  const purpose = CODE_PURPOSES.has(String(data.purpose)) ? String(data.purpose) : 'reset';
  return smsText(t, `sms.code.${purpose}`, { code, tenant: tenant === '' ? smsText(t, 'sms.code.unnamed') : tenant, minutes, count: minutes });
}
