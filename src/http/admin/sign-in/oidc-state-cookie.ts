import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcChecks } from '../../../core/ports/oidc.js';
import type { AdminContext } from '../admin-context.js';

/** Carries state, nonce and PKCE verifier from the start of an OIDC sign-in to its callback. */
const OIDC_COOKIE = 'unlatch_admin_oidc';
/** Sent only to the two OIDC routes. */
const OIDC_PATH = '/admin/sign-in/oidc';
/** Time to sign in at the provider. */
const OIDC_COOKIE_SECONDS = 600;

/**
 * Signed (tampering is refused) and HttpOnly; SameSite=Lax, not Strict: the provider sends the browser back
 * with a cross-site top-level GET, which a Strict cookie would miss. Lax still keeps it off cross-site POSTs
 * and sub-requests, and the callback checks `state` against it, so a forged callback finds nothing to match.
 */
export function setOidcCookie(ctx: AdminContext, reply: FastifyReply, checks: OidcChecks): void {
  reply.setCookie(OIDC_COOKIE, [checks.state, checks.nonce, checks.codeVerifier].join('~'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies, path: OIDC_PATH, maxAge: OIDC_COOKIE_SECONDS,
  });
}

/** The checks of the sign-in this browser started, or null (none, expired, or tampered with). */
export function readOidcCookie(request: FastifyRequest): OidcChecks | null {
  const raw = request.cookies[OIDC_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const [state = '', nonce = '', codeVerifier = '', ...rest] = unsigned.value.split('~');
  return state && nonce && codeVerifier && rest.length === 0 ? { state, nonce, codeVerifier } : null;
}

/** One use: the callback clears it whatever the outcome. */
export function clearOidcCookie(ctx: AdminContext, reply: FastifyReply): void {
  reply.clearCookie(OIDC_COOKIE, { path: OIDC_PATH, httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies });
}
