import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import type { CodeMethod } from '../../../core/methods/method-verifier.js';
import type { StepUpMethod } from '../../../core/signin/sign-in.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie, SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { pageAfterSignIn } from './enroll.js';
import { showSignIn } from './security-sign-in.js';

/**
 * `/security-info/verify`: after the password, a code from a method the person registered. A wrong
 * code says how many attempts are left; the last one ends the session and the person signs in again.
 */
export function registerSecurityVerify(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/verify', async (request, reply) => {
    const cookie = readSessionCookie(request);
    if (!cookie) return seeOther(reply, SIGN_IN_PAGE);
    if (await signedInAccount(ctx, request)) return seeOther(reply, pageAfterSignIn(request));
    if (cookie.methods.length === 0) return seeOther(reply, SIGN_IN_PAGE);
    const sent = (request.query as Record<string, unknown> | undefined)?.sent;
    const sentTo = typeof sent === 'string' && /^[0-9]{4}$/.test(sent) && cookie.methods.includes('sms_code') ? `•••• ${sent}` : null;
    return show(ctx, request, reply, cookie.methods, codeMethods(cookie.methods)[0] ?? null, [], 200, sentTo);
  });

  // "Text me a code" (a person whose only methods are phones): to the phone chosen on the page (the most
  // recently added when there is no choice), within the SMS limits (429 page); the page then says where the
  // code went (its last 4 digits only).
  app.post('/security-info/verify/sms', { schema: formSchema({ methodId: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const cookie = readSessionCookie(request);
    if (!cookie || !cookie.methods.includes('sms_code')) return seeOther(reply, SIGN_IN_PAGE);
    // With several phones the page lets the person choose; without a choice the most recent one gets it.
    const methodId = field(request, 'methodId');
    try {
      const sent = await ctx.deps.signIn.sendSms({ token: cookie.token, ...(methodId ? { methodId } : {}), client: clientOf(request) });
      return seeOther(reply, `/security-info/verify?sent=${sent.phone.replace(/[^0-9]/g, '')}`);
    } catch (error) {
      if (!isUnlatchError(error) || error.code !== 'session_invalid') throw error;
      clearSessionCookie(ctx, reply);
      return seeOther(reply, SIGN_IN_PAGE);
    }
  });

  app.post('/security-info/verify', { schema: formSchema({ method: MAX_SHORT_FIELD, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const cookie = readSessionCookie(request);
    if (!cookie || cookie.methods.length === 0) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const chosen = field(request, 'method');
    const codes = codeMethods(cookie.methods);
    // A passkey-only person has no code form; a code posted anyway goes back to the page.
    if (codes.length === 0) return seeOther(reply, '/security-info/verify');
    const method = codes.find((kind) => kind === chosen);
    const code = field(request, 'code').trim();
    const errors: FieldError[] = [];
    if (!method) errors.push({ field: `method-${codes[0]!}`, message: t('security_verify.method.required') });
    if (code === '') errors.push({ field: 'code', message: t('security_verify.code.required') });
    if (!method || errors.length > 0) return show(ctx, request, reply, cookie.methods, method ?? codes[0]!, errors, 422);

    let result;
    try {
      result = await ctx.deps.signIn.proveMethod({ token: cookie.token, method, code, client: clientOf(request) });
    } catch (error) {
      if (!isUnlatchError(error) || error.code !== 'session_invalid') throw error;
      clearSessionCookie(ctx, reply);
      return seeOther(reply, SIGN_IN_PAGE);
    }
    if (result.ok) {
      // The same token, now a full session; the methods to prove are no longer needed.
      setSessionCookie(ctx, reply, cookie.token, []);
      return seeOther(reply, pageAfterSignIn(request));
    }
    if (result.code === 'code_attempts_exceeded') {
      clearSessionCookie(ctx, reply);
      const message = t('security_verify.code.exhausted');
      return showSignIn(ctx, request, reply, { identifier: '', tenant: ctx.deps.tenants.defaultTenantId }, [{ field: 'identifier', message }], 410);
    }
    const wrong = method === 'totp' ? 'wrong_totp' : method === 'sms_code' ? 'wrong_sms' : 'wrong_backup';
    const message = t(`security_verify.code.${wrong}`, { count: result.attemptsLeft });
    return show(ctx, request, reply, cookie.methods, method, [{ field: 'code', message }], 422);
  });
}

/** A method proven with a typed code here: an app's, a backup code, or a texted one. */
type VerifyCodeMethod = CodeMethod | 'sms_code';

/** The code field's hint: the one kind of code the person has, or the general hint for several. */
function hintKey(codes: readonly VerifyCodeMethod[]): string {
  if (codes.length !== 1) return 'security_verify.code.hint';
  return codes[0] === 'sms_code' ? 'security_verify.code.hint_sms' : codes[0] === 'totp' ? 'security_verify.code.hint_totp' : 'security_verify.code.hint_backup_code';
}

/** The methods proven with a typed code (a passkey has its own button). */
function codeMethods(methods: readonly StepUpMethod[]): VerifyCodeMethod[] {
  return methods.filter((m): m is VerifyCodeMethod => m !== 'webauthn');
}

async function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  methods: StepUpMethod[],
  selected: VerifyCodeMethod | null,
  errors: FieldError[],
  status = 200,
  sentTo: string | null = null,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const passkey = methods.includes('webauthn');
  const sms = methods.includes('sms_code');
  const token = readSessionCookie(request)?.token;
  // Several phones: the page offers each, masked; one phone needs no choice.
  const phones = sms && token ? await ctx.deps.signIn.smsPhones({ token }).catch(() => []) : [];
  return renderPage(ctx, request, reply, 'security-verify', {
    title: t('security_verify.title'),
    form: true,
    errors,
    methods: codeMethods(methods),
    selected,
    passkey,
    passkeys: passkey,
    sms,
    phones: phones.length > 1 ? phones : [],
    sentTo,
    // The hint speaks only of what this (signed-in) person has: one kind of code names it, several get the general hint.
    hint: t(hintKey(codeMethods(methods))),
  }, status);
}
