import type { FastifyInstance } from 'fastify';
import { UnlatchError } from '../../core/errors.js';
import type { AdminContext } from './admin-context.js';
import { readSessionCookie } from './admin-cookies.js';

/**
 * The console's authentication hook: the operator from the session cookie (idle and absolute limits, and a
 * fresh look at their groups, are the sign-in core's job). Without one every console route sends to sign-in.
 */
export function requireConsoleSession(scope: FastifyInstance, ctx: AdminContext): void {
  scope.addHook('onRequest', async (request) => {
    const token = readSessionCookie(ctx, request);
    if (!token) throw new UnlatchError('admin_session_invalid');
    request.operator = await ctx.admin.signIn.resolve(token);
  });
}
