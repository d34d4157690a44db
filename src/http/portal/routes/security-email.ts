import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { normalizeEmail } from '../../../core/methods/email_code/email-registration.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/** Longest address accepted (RFC 5321). */
const MAX_EMAIL = 254;

/**
 * `/security-info/email`: type an extra address (GET shows the form, POST mails a code to it), then type the
 * code (`POST /security-info/email/confirm`). Once confirmed, reset codes and links go there too.
 */
export function registerSecurityEmail(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/email', async (request, reply) => {
    if (!(await signedInAccount(ctx, request))) return seeOther(reply, SIGN_IN_PAGE);
    return showAddress(ctx, request, reply, '', []);
  });

  app.post('/security-info/email', { schema: formSchema({ email: MAX_EMAIL }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const typed = field(request, 'email');
    if (typed.trim() === '') return showAddress(ctx, request, reply, typed, [{ field: 'email', message: t('security_email.email.required') }], 422);
    if (normalizeEmail(typed) === null) return showAddress(ctx, request, reply, typed, [{ field: 'email', message: t('security_email.email.format') }], 422);
    try {
      const begun = await ctx.deps.emailRegistration.begin({ account, email: typed, client: clientOf(request) });
      return showCode(ctx, request, reply, begun.methodId, begun.masked, []);
    } catch (error) {
      if (error instanceof UnlatchError && error.code === 'method_exists') {
        return showAddress(ctx, request, reply, typed, [{ field: 'email', message: t('security_email.email.exists') }], 409);
      }
      throw error;
    }
  });

  app.post('/security-info/email/confirm', { schema: formSchema({ methodId: MAX_METHOD_ID, masked: MAX_EMAIL, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const methodId = field(request, 'methodId');
    // Shown back on the page: only what a masked address holds.
    const masked = field(request, 'masked').replace(/[^\p{L}\p{N}@.•_+-]/gu, '');
    const code = field(request, 'code').normalize('NFKC').replace(/[\s-]/g, '');
    if (code === '') return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_email.code.required') }], 422);
    if (!/^[0-9]{6}$/.test(code)) return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_email.code.format') }], 422);
    let result;
    try {
      result = await ctx.deps.emailRegistration.finish({ account, methodId, code, client: clientOf(request) });
    } catch (error) {
      // The same address was added meanwhile (another tab): this copy is dropped.
      if (error instanceof UnlatchError && error.code === 'method_exists') return showAddress(ctx, request, reply, '', [{ field: 'email', message: t('security_email.email.exists') }], 409);
      throw error;
    }
    if (result.ok) return seeOther(reply, '/security-info?done=email_added');
    if (result.code === 'code_attempts_exceeded') return showAddress(ctx, request, reply, '', [{ field: 'email', message: t('security_email.code.exhausted') }], 422);
    return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_email.code.wrong', { count: result.attemptsLeft }) }], 422);
  });
}

function showAddress(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, value: string, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-email', { title: t('security_email.title'), form: true, errors, step: 'address', value }, status);
}

function showCode(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, methodId: string, masked: string, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-email', { title: t('security_email.code_title'), form: true, errors, step: 'code', methodId, masked }, status);
}
