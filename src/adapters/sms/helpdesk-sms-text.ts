import type { MailT } from '../mail/templates.js';
import { smsTenant, smsText } from './sms-text.js';

/** The helpdesk actions a text can name (`sms.helpdesk.<action>`); any other says "changed your account". */
const ACTIONS: ReadonlySet<string> = new Set(['unlock', 'access_pass', 'access_pass_revoked', 'one_time_password', 'remove_method']);

/**
 * The text telling a person what the helpdesk did to their account (`helpdesk_action` on the SMS channel), in the
 * message's language: short, no link, no secret, and what to do if they never called.
 */
export function renderHelpdeskSms(data: Record<string, string | number | null>, t: MailT): string {
  const tenant = smsTenant(data);
  const ticket = String(data.ticket ?? '').replace(/[^\p{L}\p{N} #._/-]/gu, '').slice(0, 32).trim();
  const action = String(data.action);
  const helpdesk = tenant === '' ? smsText(t, 'sms.helpdesk.unnamed') : smsText(t, 'sms.helpdesk.named', { tenant });
  return smsText(t, `sms.helpdesk.${ACTIONS.has(action) ? action : 'other'}`, { helpdesk, ticket: ticket ? smsText(t, 'sms.helpdesk.ticket', { ticket }) : '' });
}
