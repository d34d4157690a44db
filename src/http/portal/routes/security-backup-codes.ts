import type { FastifyInstance } from 'fastify';
import { formSchema } from '../form.js';
import { clientOf, portalT, renderPage, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/**
 * `POST /security-info/backup-codes`: a new set of backup codes, shown on this response only (the
 * portal sends every page `no-store`); the old set stops working.
 */
export function registerSecurityBackupCodes(app: FastifyInstance, ctx: PortalContext): void {
  app.post('/security-info/backup-codes', { schema: formSchema({}) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const { codes } = await ctx.deps.methodRegistration.regenerateBackupCodes({ account, client: clientOf(request) });
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'security-backup-codes', { title: t('security_backup_codes.title'), codes, form: true });
  });
}
