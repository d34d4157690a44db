import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminProofResult } from '../../../core/admin/admin-sign-in.js';
import { isUnlatchError } from '../../../core/errors.js';
import type { WebAuthnResponseJson } from '../../../core/ports/webauthn.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../../portal/form.js';
import { clientOf } from '../../portal/page.js';
import type { AdminContext } from '../admin-context.js';
import { clearPendingCookie, readPendingCookie, setSessionCookie } from '../admin-cookies.js';
import { adminT, renderAdmin } from '../admin-page.js';

const VERIFY_PAGE = '/admin/sign-in/verify';

/**
 * `/admin/sign-in/verify`: the strong method after the password: an authenticator app's code (a form that
 * works without JavaScript) or a passkey (the shared passkey script posts JSON with the CSRF header).
 */
export function registerVerifyPage(app: FastifyInstance, ctx: AdminContext): void {
  const render = (request: FastifyRequest, reply: FastifyReply, methods: string[], errors: Array<{ field: string; message: string }> = [], status = 200) =>
    renderAdmin(ctx, request, reply, 'sign-in-verify', { title: adminT(ctx, request)('verify.title'), errors, totp: methods.includes('totp'), passkey: methods.includes('webauthn'), passkeys: methods.includes('webauthn') }, status);

  app.get(VERIFY_PAGE, async (request, reply) => {
    const pending = readPendingCookie(request);
    if (!pending) return reply.redirect('/admin/sign-in', 303);
    return render(request, reply, pending.methods);
  });

  app.post(VERIFY_PAGE, { schema: formSchema({ code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const pending = readPendingCookie(request);
    if (!pending) return reply.redirect('/admin/sign-in', 303);
    const result = await settleOrRestart(ctx, reply, () => ctx.admin.signIn.proveTotp({ token: pending.token, code: field(request, 'code'), client: clientOf(request) }));
    if (result === null) return reply.redirect('/admin/sign-in', 303);
    if (result.ok) return reply.redirect('/admin', 303);
    const t = adminT(ctx, request);
    if (result.code === 'code_attempts_exceeded') {
      clearPendingCookie(ctx, reply);
      return renderAdmin(ctx, request, reply, 'sign-in', { title: t('sign_in.title'), errors: [{ field: 'username', message: t('verify.too_many') }], tenants: ctx.deps.tenants.list(), values: {}, oidc: null }, 401);
    }
    return render(request, reply, pending.methods, [{ field: 'code', message: t('verify.wrong', { left: result.attemptsLeft }) }], 422);
  });

  app.post(`${VERIFY_PAGE}/passkey/options`, async (request, reply) => {
    const pending = readPendingCookie(request);
    if (!pending) return reply.send({ next: '/admin/sign-in' });
    try {
      return reply.send(await ctx.admin.signIn.passkeyOptions({ token: pending.token }));
    } catch (error) {
      if (isUnlatchError(error) && error.code === 'admin_session_invalid') return reply.send({ next: '/admin/sign-in' });
      throw error;
    }
  });

  app.post(`${VERIFY_PAGE}/passkey`, async (request, reply) => {
    const pending = readPendingCookie(request);
    const credential = (request.body as { credential?: unknown } | undefined)?.credential;
    if (!pending) return reply.send({ next: '/admin/sign-in' });
    if (typeof credential !== 'object' || credential === null) return reply.code(400).send({ error: adminT(ctx, request)('verify.passkey_failed') });
    const result = await settleOrRestart(ctx, reply, () => ctx.admin.signIn.provePasskey({ token: pending.token, credential: credential as WebAuthnResponseJson, client: clientOf(request) }));
    if (result === null) return reply.send({ next: '/admin/sign-in' });
    if (result.ok) return reply.send({ next: '/admin' });
    if (result.code === 'code_attempts_exceeded') return reply.send({ next: '/admin/sign-in' });
    return reply.code(422).send({ error: adminT(ctx, request)('verify.passkey_failed') });
  });
}

/** Runs a proof; on success swaps the pending cookie for the session cookie. A dead pending session gives null. */
async function settleOrRestart(ctx: AdminContext, reply: FastifyReply, prove: () => Promise<AdminProofResult>): Promise<AdminProofResult | null> {
  try {
    const result = await prove();
    if (result.ok) {
      clearPendingCookie(ctx, reply);
      setSessionCookie(ctx, reply, result.token);
    }
    return result;
  } catch (error) {
    if (isUnlatchError(error) && error.code === 'admin_session_invalid') {
      clearPendingCookie(ctx, reply);
      return null;
    }
    throw error;
  }
}
