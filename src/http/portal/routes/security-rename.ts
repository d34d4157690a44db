import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { RENAMABLE, type MethodSummary } from '../../../core/methods/method-registration.js';
import type { DirectoryAccount } from '../../../core/ports/directory.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/** The longest name kept, in characters (as core bounds it). */
const MAX_NAME = 64;

/**
 * `/security-info/rename?methodId=…`: a small page with the method's name in a labelled text field, and
 * `POST /security-info/rename`, which saves it and goes back to the list. Works without JavaScript; an
 * empty or too long name is explained next to the field. Only the person's own apps, passkeys, phones and
 * addresses (backup codes and security questions have no name of their own).
 */
export function registerSecurityRename(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/rename', async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const query = request.query as Record<string, unknown> | undefined;
    const method = await renamable(ctx, account, typeof query?.methodId === 'string' ? query.methodId : '');
    return showRename(ctx, request, reply, method, method.name, []);
  });

  app.post('/security-info/rename', { schema: formSchema({ methodId: MAX_METHOD_ID, name: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const method = await renamable(ctx, account, field(request, 'methodId'));
    const typed = field(request, 'name');
    const cleaned = typed.normalize('NFKC').replace(/\p{Cc}/gu, '').trim();
    if (cleaned === '') return showRename(ctx, request, reply, method, typed, [{ field: 'name', message: t('security_rename.name.required') }], 422);
    if (Array.from(cleaned).length > MAX_NAME) return showRename(ctx, request, reply, method, typed, [{ field: 'name', message: t('security_rename.name.too_long') }], 422);
    await ctx.deps.methodRegistration.rename({ account, methodId: method.id, name: typed, client: clientOf(request) });
    return seeOther(reply, '/security-info?done=renamed');
  });
}

/** One of the person's methods that has a name of its own; `not_found` for anyone else's, `invalid_request` for sets. */
async function renamable(ctx: PortalContext, account: DirectoryAccount, methodId: string): Promise<MethodSummary> {
  const method = (await ctx.deps.methodRegistration.list(account)).find((m) => m.id === methodId);
  if (!method) throw new UnlatchError('not_found');
  if (method.id === 'backup_codes' || !RENAMABLE.has(method.kind)) throw new UnlatchError('invalid_request', { field: 'methodId' });
  return method;
}

function showRename(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, method: MethodSummary, value: string, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-rename', {
    title: t('security_rename.title'),
    form: true,
    errors,
    methodId: method.id,
    kind: t(`security_info.kind.${method.kind}`),
    currentName: method.name,
    value,
  }, status);
}
