import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { normalizePhone } from '../../../core/methods/method-registration.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/**
 * `/security-info/phone`: type a number (GET shows the form, POST texts a code to it), then type the code
 * (`POST /security-info/phone/confirm`). Only with SMS providers configured; otherwise 404.
 */
export function registerSecurityPhone(app: FastifyInstance, ctx: PortalContext): void {
  const available = () => ctx.deps.methodRegistration.smsAvailable;

  app.get('/security-info/phone', async (request, reply) => {
    if (!available()) throw new UnlatchError('not_found');
    if (!(await signedInAccount(ctx, request))) return seeOther(reply, SIGN_IN_PAGE);
    return showNumber(ctx, request, reply, '', []);
  });

  app.post('/security-info/phone', { schema: formSchema({ phone: MAX_SHORT_FIELD }) }, async (request, reply) => {
    if (!available()) throw new UnlatchError('not_found');
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const typed = field(request, 'phone');
    if (typed.trim() === '') return showNumber(ctx, request, reply, typed, [{ field: 'phone', message: t('security_phone.phone.required') }], 422);
    if (normalizePhone(typed) === null) return showNumber(ctx, request, reply, typed, [{ field: 'phone', message: t('security_phone.phone.format') }], 422);
    try {
      const begun = await ctx.deps.methodRegistration.beginPhone({ account, phone: typed, name: '', client: clientOf(request) });
      return showCode(ctx, request, reply, begun.methodId, begun.masked, []);
    } catch (error) {
      // A provider-side refusal of the number reads like a typo; limits go to the error page (429, Retry-After).
      if (error instanceof UnlatchError && error.code === 'invalid_request') {
        return showNumber(ctx, request, reply, typed, [{ field: 'phone', message: t('security_phone.phone.format') }], 422);
      }
      if (error instanceof UnlatchError && error.code === 'method_exists') {
        return showNumber(ctx, request, reply, typed, [{ field: 'phone', message: t('security_phone.phone.exists') }], 409);
      }
      throw error;
    }
  });

  app.post('/security-info/phone/confirm', { schema: formSchema({ methodId: MAX_METHOD_ID, masked: 32, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    if (!available()) throw new UnlatchError('not_found');
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const methodId = field(request, 'methodId');
    const masked = field(request, 'masked').replace(/[^0-9• ]/g, '');
    const code = field(request, 'code').normalize('NFKC').replace(/[\s-]/g, '');
    if (code === '') return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_phone.code.required') }], 422);
    if (!/^[0-9]{6}$/.test(code)) return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_phone.code.format') }], 422);
    let result;
    try {
      result = await ctx.deps.methodRegistration.finishPhone({ account, methodId, code, client: clientOf(request) });
    } catch (error) {
      // The same number was added meanwhile (another tab): this copy is dropped.
      if (error instanceof UnlatchError && error.code === 'method_exists') return showNumber(ctx, request, reply, '', [{ field: 'phone', message: t('security_phone.phone.exists') }], 409);
      throw error;
    }
    if (result.ok) return seeOther(reply, '/security-info?done=added');
    if (result.code === 'code_attempts_exceeded') return showNumber(ctx, request, reply, '', [{ field: 'phone', message: t('security_phone.code.exhausted') }], 422);
    return showCode(ctx, request, reply, methodId, masked, [{ field: 'code', message: t('security_phone.code.wrong', { count: result.attemptsLeft }) }], 422);
  });
}

function showNumber(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, value: string, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-phone', { title: t('security_phone.title'), form: true, errors, step: 'number', value }, status);
}

function showCode(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, methodId: string, masked: string, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-phone', { title: t('security_phone.code_title'), form: true, errors, step: 'code', methodId, masked }, status);
}
