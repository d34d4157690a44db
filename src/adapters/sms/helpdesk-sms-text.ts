/** What each helpdesk action is called in a text message. */
const ACTIONS: Record<string, string> = {
  unlock: 'unlocked your account',
  access_pass: 'gave you a temporary access pass',
  access_pass_revoked: 'ended your temporary access pass',
  one_time_password: 'set a one-time password for your account',
  remove_method: 'removed a method from your security info',
};

/**
 * The text telling a person what the helpdesk did to their account (`helpdesk_action` on the SMS channel):
 * short, no link, no secret, and what to do if they never called.
 */
export function renderHelpdeskSms(data: Record<string, string | number | null>): string {
  const tenant = String(data.tenantName ?? '').replace(/[^\p{L}\p{N} .&'-]/gu, '').slice(0, 40).trim();
  const ticket = String(data.ticket ?? '').replace(/[^\p{L}\p{N} #._/-]/gu, '').slice(0, 32).trim();
  const what = ACTIONS[String(data.action)] ?? 'changed your account';
  return `The ${tenant === '' ? '' : `${tenant} `}helpdesk ${what}${ticket ? ` (ticket ${ticket})` : ''}. If you did not call the helpdesk, tell your IT team now.`;
}
