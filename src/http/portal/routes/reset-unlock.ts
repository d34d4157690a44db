import type { FastifyInstance } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { clearFlowCookie, readFlowCookie } from '../flow-cookie.js';
import { formSchema } from '../form.js';
import { clientOf, portalT, renderPage, type PortalContext } from '../page.js';
import { atStep, seeOther, STEP_PAGE } from './flow-step.js';

/**
 * `/reset/unlock`: the last step of an unlock flow (started at `/unlock`): one button that clears the lockout,
 * then `/reset/unlocked`. The password stays as it is.
 */
export function registerResetUnlock(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/unlock', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/unlock');
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'unlock') return seeOther(reply, STEP_PAGE[view.next]);
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'reset-unlock', { title: t('reset_unlock.title'), form: true, errors: [] });
  });

  app.post('/reset/unlock', { schema: formSchema({}) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    return atStep(ctx, flowId, reply, async () => {
      const { wasLocked } = await ctx.deps.resetFlow.unlock({ flowId, client: clientOf(request) });
      // Said only now, to the person who proved who they are: whether there was a lockout to clear.
      return seeOther(reply, wasLocked ? '/reset/unlocked' : '/reset/unlocked?locked=no');
    });
  });

  app.get('/reset/unlocked', async (request, reply) => {
    clearFlowCookie(ctx, reply);
    const t = portalT(ctx, request);
    // `?locked=no`: the account was not locked (the password may be what fails); a forged query changes only these words.
    const notLocked = (request.query as Record<string, unknown> | undefined)?.locked === 'no';
    return renderPage(ctx, request, reply, 'reset-unlocked', { title: t(notLocked ? 'reset_unlocked.not_locked.title' : 'reset_unlocked.title'), notLocked });
  });
}
