import type { FastifyInstance } from 'fastify';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { portalT, renderPage, type PortalContext } from '../page.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/**
 * `GET /security-info/remove?methodId=…`: "Remove … ?" asked first, on a page of its own (no JavaScript `confirm()`):
 * a red button posts to `POST /security-info/remove` (security-info.ts), "Keep it" goes back. The list links here
 * instead of removing at once. A method id that is not the person's own leads back to the list, as the list would.
 */
export function registerSecurityRemove(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/remove', async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const named = (request.query as Record<string, unknown> | undefined)?.methodId;
    const methodId = typeof named === 'string' && named.length <= MAX_METHOD_ID ? named : '';
    const method = (await ctx.deps.methodRegistration.list(account)).find((m) => m.id === methodId);
    if (!method) return seeOther(reply, '/security-info');
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'security-remove', {
      title: t('security_remove.title', { name: method.name }),
      form: true,
      methodId: method.id,
      name: method.name,
      kind: t(`security_info.kind.${method.kind}`),
      backupCodes: method.id === 'backup_codes',
    });
  });
}
