import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, retryAfterOf } from '../problem.js';
import { clearFlowCookie } from './flow-cookie.js';
import { errorsT, portalT, renderPage, type PortalContext } from './page.js';

/** Errors that end a reset: the page offers to start again instead of a bare error. */
const ENDED = new Set(['flow_invalid', 'code_attempts_exceeded']);

/**
 * The portal's own error page and 404 page. The message comes from the `errors` catalogue by the
 * error's stable code; the error's own message and stack stay in the log.
 */
export function registerPortalErrors(app: FastifyInstance, ctx: PortalContext): void {
  app.setErrorHandler(async (error, request, reply) => {
    const { code, status, details } = classifyError(error);
    if (status >= 500) request.log.error({ err: error, code }, 'portal request failed');
    else request.log.debug({ code, status }, 'portal request refused');
    try {
      // Rate limits and outages (every 503) say when to come back, in the header as on the page.
      const retryAfter = retryAfterOf(status, details);
      if (retryAfter !== null) reply.header('retry-after', String(retryAfter));
      const message = errorsT(ctx, request)(code);
      const t = portalT(ctx, request);
      if (ENDED.has(code) && request.url.startsWith('/reset')) {
        clearFlowCookie(ctx, reply);
        return await renderPage(ctx, request, reply, 'reset-ended', { title: t('reset_ended.title'), message }, status);
      }
      return await renderPage(ctx, request, reply, 'error', { title: t(titleKey(status)), message, status, retryAfter }, status);
    } catch (renderError) {
      // The error page itself failed: a plain line, still without details.
      request.log.error({ err: renderError }, 'portal error page failed');
      return reply.code(status).type('text/plain; charset=utf-8').send(`Error ${status}`);
    }
  });

  // Unknown addresses outside the API get a page; the API keeps its problem JSON 404.
  app.get('/*', async (request, reply) => notFound(ctx, request, reply));
}

async function notFound(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')) {
    reply.callNotFound();
    return reply;
  }
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'error', {
    title: t('not_found.title'),
    message: errorsT(ctx, request)('not_found'),
    status: 404,
    retryAfter: null,
  }, 404);
}

function titleKey(status: number): string {
  if (status === 429) return 'error.title_rate_limited';
  if (status === 503) return 'error.title_unavailable';
  if (status >= 500) return 'error.title_server';
  return 'error.title';
}
