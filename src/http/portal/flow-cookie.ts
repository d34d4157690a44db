import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalContext } from './page.js';

/** The cookie carrying the reset flow's handle between the pages of one reset. */
export const FLOW_COOKIE = 'unlatch_reset';
const FLOW_COOKIE_PATH = '/reset';

/**
 * Stores the flow handle: signed (tampering is detected before any lookup), HttpOnly (no script
 * reads it), SameSite=Strict (no cross-site request carries it), scoped to /reset, and `Secure` on
 * https. It lives no longer than the flow can.
 */
export function setFlowCookie(ctx: PortalContext, reply: FastifyReply, flowId: string): void {
  const { codeTtlSeconds, passwordStepTtlSeconds } = ctx.deps.config.reset;
  reply.setCookie(FLOW_COOKIE, flowId, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secureCookies,
    path: FLOW_COOKIE_PATH,
    maxAge: codeTtlSeconds + passwordStepTtlSeconds,
  });
}

/** The flow handle from a valid signed cookie, or null. */
export function readFlowCookie(request: FastifyRequest): string | null {
  const raw = request.cookies[FLOW_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}

export function clearFlowCookie(ctx: PortalContext, reply: FastifyReply): void {
  reply.clearCookie(FLOW_COOKIE, { path: FLOW_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
}
