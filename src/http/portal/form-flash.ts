import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError, PortalContext } from './page.js';

/** The cookie carrying a refused form's messages across its redirect (post/redirect/get). */
const FLASH_COOKIE = 'unlatch_flash';
/** Long enough for the redirect, short enough that a stale message never greets a later visit. */
const FLASH_SECONDS = 120;
/** Well under a cookie's 4 KB once signed; longer lists lose their detail lines, never their messages. */
const MAX_ENCODED = 3000;

/**
 * A refused POST answers with a 303 to its page and the messages in this cookie, so the page the person sees
 * came from a GET: Back from a later page, or a reload, never asks the browser to send the form again ("Confirm
 * Form Resubmission" — a password typed once must not be sent twice). The cookie holds the translated messages
 * and the fields the caller chose to keep (a username, never a password or code), is signed (a forged one is
 * ignored), HttpOnly, SameSite=Strict, scoped to the one page, and read once.
 */
export function redirectWithErrors(ctx: PortalContext, reply: FastifyReply, path: string, errors: readonly FieldError[], kept: Readonly<Record<string, string>> = {}): FastifyReply {
  const encode = (withDetails: boolean) =>
    Buffer.from(JSON.stringify({
      e: errors.map((e) => ({ f: e.field, m: e.message, ...(withDetails && e.details ? { d: e.details } : {}) })),
      v: kept,
    }), 'utf8').toString('base64url');
  const full = encode(true);
  reply.setCookie(FLASH_COOKIE, full.length <= MAX_ENCODED ? full : encode(false), {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secureCookies,
    path,
    maxAge: FLASH_SECONDS,
  });
  return reply.code(303).header('location', path).send();
}

/** The messages a redirect carried to this page (cleared as they are read), or none. */
export function takeErrors(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, path: string): FieldError[] {
  return takeFlash(ctx, request, reply, path).errors;
}

/** The messages and kept fields a redirect carried to this page (cleared as they are read); none when absent or forged. */
export function takeFlash(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, path: string): { errors: FieldError[]; kept: Record<string, string> } {
  const none = { errors: [], kept: {} };
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return none;
  reply.clearCookie(FLASH_COOKIE, { path, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return none;
  try {
    const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as { e?: unknown; v?: unknown } | null;
    if (!parsed || !Array.isArray(parsed.e)) return none;
    const kept: Record<string, string> = {};
    if (parsed.v && typeof parsed.v === 'object') {
      for (const [name, value] of Object.entries(parsed.v as Record<string, unknown>)) if (typeof value === 'string') kept[name] = value;
    }
    const errors: FieldError[] = [];
    for (const item of parsed.e as unknown[]) {
      const { f, m, d } = (item ?? {}) as { f?: unknown; m?: unknown; d?: unknown };
      if (typeof f !== 'string' || typeof m !== 'string') continue;
      const details = Array.isArray(d) ? d.filter((line): line is string => typeof line === 'string') : undefined;
      errors.push({ field: f, message: m, ...(details && details.length > 0 ? { details } : {}) });
    }
    return { errors, kept };
  } catch {
    return none;
  }
}
