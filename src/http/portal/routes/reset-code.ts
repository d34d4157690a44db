import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { readFlowCookie } from '../flow-cookie.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, expiryOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { atStep, seeOther, STEP_PAGE } from './flow-step.js';

/** `/reset/code`: the emailed code. A wrong code says how many attempts are left; the last one ends the flow. */
export function registerResetCode(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/code', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/reset');
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'verify_code') return seeOther(reply, STEP_PAGE[view.next]);
    return show(ctx, request, reply, view.expiresAt, []);
  });

  app.post('/reset/code', { schema: formSchema({ code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    const digits = ctx.deps.config.reset.codeDigits;
    // People paste "123 456" or "123-456"; only the digits count.
    const code = field(request, 'code').replace(/[\s-]/g, '');
    // A malformed entry is the person's typo, not a guess: it costs no attempt.
    const formatError = code === '' ? t('reset_code.code.required') : /^[0-9]+$/.test(code) && code.length === digits ? null : t('reset_code.code.format', { digits });
    if (formatError) {
      const view = await ctx.deps.resetFlow.view(flowId);
      if (view.next !== 'verify_code') return seeOther(reply, STEP_PAGE[view.next]);
      return show(ctx, request, reply, view.expiresAt, [{ field: 'code', message: formatError }], 422);
    }

    return atStep(ctx, flowId, reply, async () => {
      const result = await ctx.deps.resetFlow.verifyCode({ flowId, code, client: clientOf(request) });
      if (result.ok) return seeOther(reply, '/reset/password');
      if (result.code === 'code_attempts_exceeded') throw new UnlatchError('code_attempts_exceeded');
      const view = await ctx.deps.resetFlow.view(flowId);
      const message = t('reset_code.code.wrong', { count: result.attemptsLeft });
      return show(ctx, request, reply, view.expiresAt, [{ field: 'code', message }], 422);
    });
  });
}

function show(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, expiresAt: Date, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const digits = ctx.deps.config.reset.codeDigits;
  return renderPage(ctx, request, reply, 'reset-code', {
    title: t('reset_code.title'),
    form: true,
    errors,
    digits,
    expiry: expiryOf(expiresAt, languageOf(ctx, request)),
  }, status);
}
