import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validDevice } from '../../core/risk/device-hash.js';
import type { PortalContext } from './page.js';

/** The device cookie of the risk engine's `new_device` signal (docs/risk.md). */
export const DEVICE_COOKIE = 'unlatch_device';
const ONE_YEAR_SECONDS = 365 * 86_400;

/**
 * This browser's device id: the cookie's value, or a new random one (144 bits) set now. HttpOnly, SameSite=Lax,
 * Secure on https, about a year. It names no one: Unlatch keeps only its HMAC per account, once a reset on it
 * completes. Set the same way for every visitor of the start page, whatever they type.
 */
export function deviceCookie(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): string {
  const sent = validDevice(request.cookies[DEVICE_COOKIE]);
  if (sent) return sent;
  const device = randomBytes(18).toString('base64url');
  reply.setCookie(DEVICE_COOKIE, device, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies, maxAge: ONE_YEAR_SECONDS });
  return device;
}
