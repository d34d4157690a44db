import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryPasswordRules } from '../../../core/ports/directory.js';
import { directoryRuleLines } from '../../directory-rules.js';
import { UnlatchError } from '../../../core/errors.js';
import { readFlowCookie } from '../flow-cookie.js';
import { field, formSchema, MAX_PASSWORD_FIELD } from '../form.js';
import { clientOf, expiryOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { describeReasons } from '../../password-reasons.js';
import { redirectWithErrors, takeErrors } from '../form-flash.js';
import { atStep, seeOther, STEP_PAGE, type FlowAt } from './flow-step.js';
import { newPasswordErrors } from './new-password.js';

const PAGE = '/reset/password';

/**
 * `/reset/password`: the new password, twice. A refused password shows every reason and leaves
 * the flow at this step (core spends the verified code only when the password is set). Refusals, like success,
 * answer with a redirect (post/redirect/get).
 */
export function registerResetPassword(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/password', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/reset');
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'set_password') return seeOther(reply, STEP_PAGE[view.next]);
    return show(ctx, request, reply, view, takeErrors(ctx, request, reply, PAGE), 200, view.directoryRules ?? null);
  });

  app.post('/reset/password', { schema: formSchema({ password: MAX_PASSWORD_FIELD, confirm: MAX_PASSWORD_FIELD }) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    const password = field(request, 'password');
    const errors = newPasswordErrors(t, password, field(request, 'confirm'), 'password', 'confirm');

    return atStep(ctx, flowId, reply, async () => {
      if (errors.length === 0) {
        const result = await ctx.deps.resetFlow.setPassword({ flowId, password, client: clientOf(request) });
        // A directory that took the write but does not accept the new password yet (replication): say so, kindly.
        if (result.ok) return seeOther(reply, result.signInVerified === false ? '/reset/done?signin=pending' : '/reset/done');
        const details = describeReasons(ctx.deps.i18n, languageOf(ctx, request), t, result.reasons);
        errors.push({ field: 'password', message: t('password.rejected'), details });
      }
      const view = await ctx.deps.resetFlow.view(flowId);
      if (view.next !== 'set_password') return seeOther(reply, STEP_PAGE[view.next]);
      // Post/redirect/get: the page with the reasons comes from a GET, so Back from the done page never resends a password.
      return redirectWithErrors(ctx, reply, PAGE, errors);
    });
  });
}

function show(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, at: FlowAt, errors: FieldError[], status = 200, rules: DirectoryPasswordRules | null = null): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'reset-password', {
    title: t('reset_password.title'),
    form: true,
    errors,
    directoryRules: rules ? directoryRuleLines(t, rules) : [],
    minLength: ctx.deps.config.password.minLength,
    expiry: expiryOf(ctx, at.expiresAt, languageOf(ctx, request), at.tenantId),
  }, status);
}
