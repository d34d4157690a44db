import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminContext } from './admin-context.js';

/** The half-signed-in token between the password and the strong method; scoped to the sign-in pages. */
const PENDING_COOKIE = 'unlatch_admin_pending';
const PENDING_PATH = '/admin/sign-in';

/**
 * The console session cookie: apart from people's security-info cookie, signed, HttpOnly, SameSite=Strict.
 * On https it takes the `__Host-` prefix (Secure, path `/`, no Domain: no sibling host can set or read it).
 */
export function sessionCookieName(ctx: AdminContext): string {
  return ctx.secureCookies ? '__Host-unlatch_admin' : 'unlatch_admin';
}

export function setSessionCookie(ctx: AdminContext, reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName(ctx), token, {
    signed: true, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, path: '/',
    maxAge: ctx.deps.config.admin.absoluteLifetimeSeconds,
  });
}

export function clearSessionCookie(ctx: AdminContext, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(ctx), { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
}

export function readSessionCookie(ctx: AdminContext, request: FastifyRequest): string | null {
  return readSigned(request, sessionCookieName(ctx));
}

/** The pending token and the strong methods offered (kinds only, never a secret). */
export function setPendingCookie(ctx: AdminContext, reply: FastifyReply, token: string, methods: readonly string[]): void {
  reply.setCookie(PENDING_COOKIE, `${token}~${methods.join(',')}`, {
    signed: true, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, path: PENDING_PATH, maxAge: 300,
  });
}

export function readPendingCookie(request: FastifyRequest): { token: string; methods: string[] } | null {
  const value = readSigned(request, PENDING_COOKIE);
  if (!value) return null;
  const [token = '', kinds = ''] = value.split('~');
  return token ? { token, methods: kinds.split(',').filter((k) => k === 'totp' || k === 'webauthn') } : null;
}

export function clearPendingCookie(ctx: AdminContext, reply: FastifyReply): void {
  reply.clearCookie(PENDING_COOKIE, { path: PENDING_PATH, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
}

function readSigned(request: FastifyRequest, name: string): string | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : null;
}
