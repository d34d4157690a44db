import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { setFlowCookie } from '../flow-cookie.js';
import { field, formSchema } from '../form.js';
import { clientOf, portalT, renderPage, type PortalContext } from '../page.js';
import { afterProof } from './reset-code.js';

/** A link token as core makes them (a flow handle: URL-safe base64), with room to spare. */
const MAX_TOKEN = 128;

/**
 * `/reset/link?token=…`: the link in the reset mail. The GET only shows a page with a "Continue" button —
 * mail scanners and link previews that open it spend nothing — and only the POST from that page proves
 * the mailbox. The reset then goes on in this browser (core gives the flow a new handle for it).
 * A spent or expired link shows the "this reset has ended" page.
 */
export function registerResetLink(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/link', async (request, reply) => {
    const token = tokenInQuery(request);
    if (!token || !(await ctx.deps.resetFlow.emailLinkLive(token))) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'reset-link', { title: t('reset_link.title'), form: true, errors: [], token });
  });

  app.post('/reset/link', { schema: formSchema({ token: MAX_TOKEN }) }, async (request, reply) => {
    const token = field(request, 'token');
    if (token === '') throw new UnlatchError('flow_invalid');
    const { flowId, result } = await ctx.deps.resetFlow.confirmEmailLink({ token, client: clientOf(request) });
    if (result.ok) {
      // The flow's new handle goes to this browser (afterProof stores it itself, with the choices, for a second proof).
      if (result.next !== 'verify_second') setFlowCookie(ctx, reply, flowId);
      return afterProof(ctx, reply, flowId, result);
    }
    // Only a policy that forbids links for this person gets here (core sent no link otherwise): the code still works.
    if (result.code === 'code_attempts_exceeded') throw new UnlatchError('code_attempts_exceeded');
    throw new UnlatchError('code_invalid');
  });
}

function tokenInQuery(request: FastifyRequest): string | null {
  const value = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN ? value : null;
}
