/**
 * The text of a code message. Short (one SMS segment in GSM-7 for usual tenant names), the code first so
 * phones can offer it for autofill, and a warning not to pass it on (the usual social-engineering script
 * asks for "the code we just sent you").
 */
export function renderSmsCode(data: Record<string, string | number | null>): string {
  const code = String(data.code ?? '');
  if (!/^[0-9]{6,10}$/.test(code)) throw new Error('sms_code message without a code');
  const tenant = String(data.tenantName ?? '').replace(/[^\p{L}\p{N} .&'-]/gu, '').slice(0, 40).trim();
  const minutes = Number(data.expiresInMinutes ?? 10);
  const purpose =
    data.purpose === 'registration'
      ? 'to confirm this phone number'
      : data.purpose === 'signin'
        ? 'to sign in to your security info'
        : data.purpose === 'test'
          ? 'to test this phone number'
          : 'to reset your password';
  // The helpdesk's code is the one code meant to be told: only to a helpdesk the person called themselves.
  if (data.purpose === 'helpdesk') {
    return `${code} is your ${tenant === '' ? 'helpdesk' : `${tenant} helpdesk`} code. Read it only to a helpdesk agent you called yourself; it expires in ${minutes} minutes.`;
  }
  return `${code} is your ${tenant === '' ? 'verification' : tenant} code ${purpose}. It expires in ${minutes} minutes. Never share it with anyone, including us.`;
}
