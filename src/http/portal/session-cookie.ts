import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../core/errors.js';
import { SIGN_IN_KINDS } from '../../core/methods/method-kinds.js';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { DEFAULT_SIGN_IN_SETTINGS, type StepUpMethod } from '../../core/signin/sign-in.js';
import type { PortalContext } from './page.js';

/** The cookie carrying the security-info session token between the pages under /security-info. */
export const SESSION_COOKIE = 'unlatch_session';
const SESSION_COOKIE_PATH = '/security-info';
const STEP_UP_METHODS: readonly StepUpMethod[] = SIGN_IN_KINDS;

/** What the cookie holds: the bearer token and, while a method still has to be proven, the kinds offered. */
export interface SessionCookie {
  token: string;
  methods: StepUpMethod[];
}

/**
 * Stores the session token: signed (tampering is detected before any lookup), HttpOnly, SameSite=Strict,
 * scoped to /security-info, `Secure` on https, and no longer-lived than a session. The methods to offer
 * on the verify page ride along (kinds only, never a secret); the token is base64url, so `~` separates.
 * `webauthn` is proven on the verify page with `/assets/passkeys.js`.
 */
export function setSessionCookie(ctx: PortalContext, reply: FastifyReply, token: string, methods: readonly StepUpMethod[]): void {
  reply.setCookie(SESSION_COOKIE, methods.length > 0 ? `${token}~${methods.join(',')}` : token, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secureCookies,
    path: SESSION_COOKIE_PATH,
    maxAge: DEFAULT_SIGN_IN_SETTINGS.sessionTtlSeconds,
  });
}

/** The token (and methods to prove) from a valid signed cookie, or null. */
export function readSessionCookie(request: FastifyRequest): SessionCookie | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const [token = '', kinds = ''] = unsigned.value.split('~');
  if (token === '') return null;
  const methods = STEP_UP_METHODS.filter((kind) => kinds.split(',').includes(kind));
  return { token, methods };
}

export function clearSessionCookie(ctx: PortalContext, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
}

/**
 * The signed-in person of a full session, or null (no cookie, or the session expired, was revoked or
 * still needs a method proven); the caller sends them to sign in.
 */
export async function signedInAccount(ctx: PortalContext, request: FastifyRequest): Promise<DirectoryAccount | null> {
  const cookie = readSessionCookie(request);
  if (!cookie) return null;
  try {
    return (await ctx.deps.signIn.resolve(cookie.token)).account;
  } catch (error) {
    if (isUnlatchError(error) && error.code === 'session_invalid') return null;
    throw error;
  }
}

/** Where pages send people without a full session. */
export const SIGN_IN_PAGE = '/security-info/sign-in';
