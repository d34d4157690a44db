import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../core/errors.js';
import { classifyError, retryAfterOf } from '../problem.js';
import { translatorFor } from '../portal/language.js';
import type { AdminContext } from './admin-context.js';
import { clearSessionCookie } from './admin-cookies.js';
import { adminLanguage, adminT, renderAdmin } from './admin-page.js';
import { catalogueOf } from '../language-choice.js';
import { tenantParam } from './admin-context.js';

/**
 * The console's error pages. An ended session sends the operator to sign in again; a role that does not
 * reach an area or tenant gets a 403 page; anything else a page with the catalogue's message, never details.
 */
export function registerAdminErrors(app: FastifyInstance, ctx: AdminContext): void {
  app.setErrorHandler(async (error, request, reply) => {
    const { code, status, details } = classifyError(error);
    if (status >= 500) request.log.error({ err: error, code }, 'console request failed');
    else request.log.debug({ code, status }, 'console request refused');
    if (code === 'admin_session_invalid') {
      clearSessionCookie(ctx, reply);
      if (request.method === 'GET') return reply.redirect('/admin/sign-in', 303);
    }
    try {
      // Rate limits and outages (every 503) say when to come back.
      const retryAfter = retryAfterOf(status, details);
      if (retryAfter !== null) reply.header('retry-after', String(retryAfter));
      const message = translatorFor(catalogueOf(ctx.deps, tenantParam(request) || ctx.deps.tenants.defaultTenantId), adminLanguage(ctx, request), 'errors')(code);
      const t = adminT(ctx, request);
      return await renderAdmin(ctx, request, reply, 'error', { title: t(`error.title_${status === 403 ? 403 : status === 404 ? 404 : status >= 500 ? 500 : 400}`), message, status }, status);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'console error page failed');
      return reply.code(status).type('text/plain; charset=utf-8').send(`Error ${status}`);
    }
  });
  const notFound = async (_request: FastifyRequest, _reply: FastifyReply) => {
    throw new UnlatchError('not_found');
  };
  app.get('/admin/*', notFound);
}
