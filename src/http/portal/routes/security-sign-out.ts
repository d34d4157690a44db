import type { FastifyInstance } from 'fastify';
import { formSchema } from '../form.js';
import { clientOf, type PortalContext } from '../page.js';
import { clearSessionCookie, readSessionCookie } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/** `POST /security-info/sign-out`: ends the session in core, drops the cookie, back to the start. */
export function registerSecuritySignOut(app: FastifyInstance, ctx: PortalContext): void {
  app.post('/security-info/sign-out', { schema: formSchema({}) }, async (request, reply) => {
    const cookie = readSessionCookie(request);
    if (cookie) await ctx.deps.signIn.signOut(cookie.token, clientOf(request));
    clearSessionCookie(ctx, reply);
    return seeOther(reply, '/');
  });
}
