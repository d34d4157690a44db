import type { FastifyInstance } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { field, formSchema } from '../form.js';
import { clientOf, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/**
 * `POST /security-info/imported/dismiss`: the signed-in person removes an address or number their organisation
 * imported and they have not confirmed (it is not theirs, or no longer). Confirming one needs no route of its
 * own: the security info page posts the value to the ordinary add-address / add-phone steps.
 */
export function registerSecurityImported(app: FastifyInstance, ctx: PortalContext): void {
  app.post('/security-info/imported/dismiss', { schema: formSchema({ methodId: MAX_METHOD_ID }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const dismissed = await ctx.deps.pendingImports?.dismiss({ account, methodId: field(request, 'methodId'), client: clientOf(request) });
    if (!dismissed) throw new UnlatchError('not_found');
    return seeOther(reply, '/security-info?done=imported_dismissed');
  });
}
