import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { enrolmentNeed } from '../../../core/enrolment/enrolment-need.js';
import { allowedReturnTo } from '../../../core/enrolment/return-to.js';
import type { MethodKind } from '../../../core/ports/methods.js';
import { decidePolicy } from '../../../core/policy/method-policy.js';
import { portalT, renderPage, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/** Remembers where `/enroll` should send the person back to, across sign-in (signed; no secret in it). */
const ENROL_COOKIE = 'unlatch_enroll';
const ENROL_PAGE = '/security-info/enroll';
/** Long enough to sign in and register a method or two. */
const ENROL_COOKIE_SECONDS = 3600;

/** Where each kind is registered, and its "add" text (`security_info.add_*`). */
const ADD_LINKS: Partial<Record<MethodKind, { href: string; label: string }>> = {
  totp: { href: '/security-info/totp', label: 'security_info.add_totp' },
  webauthn: { href: '/security-info/passkey', label: 'security_info.add_passkey' },
  email_code: { href: '/security-info/email', label: 'security_info.add_email' },
  email_link: { href: '/security-info/email', label: 'security_info.add_email' },
  sms_code: { href: '/security-info/phone', label: 'security_info.add_phone' },
  backup_code: { href: '/security-info', label: 'enroll.add_backup_codes' },
};

/**
 * The enrolment interrupt. `GET /enroll?returnTo=…` is where an intranet, an IdP's required action or a login
 * page sends people: a `returnTo` not on `enrolment.returnToAllowlist` is refused with a page (never followed:
 * no open redirect). An allowed one is remembered in a cookie scoped to `/security-info` (where the sign-in
 * session lives) and the person goes on to `/security-info/enroll`, signing in first when needed. That page
 * shows what their policy still misses, with links to register it, and once their own methods satisfy the
 * policy sends them back to `returnTo` (or says they are done).
 */
export function registerEnroll(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/enroll', async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const raw = query.returnTo;
    let target: string | null = null;
    if (raw !== undefined) {
      target = typeof raw === 'string' ? allowedReturnTo(raw, ctx.deps.config.enrolment.returnToAllowlist) : null;
      if (target === null) return refused(ctx, request, reply);
    }
    if (target) {
      reply.setCookie(ENROL_COOKIE, target, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies, path: '/security-info', maxAge: ENROL_COOKIE_SECONDS });
    } else {
      clearEnrolCookie(ctx, reply);
    }
    return seeOther(reply, ENROL_PAGE);
  });

  app.get(ENROL_PAGE, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const methods = await ctx.deps.methodRegistration.list(account);
    const kinds = methods.filter((m) => m.kind !== 'backup_code' || (m.remaining ?? 0) > 0).map((m) => m.kind);
    const need = enrolmentNeed(decidePolicy(ctx.deps.policyFor(account.tenantId), account), kinds);
    const returnTo = enrolReturnTo(ctx, request);
    if (need.satisfied) {
      clearEnrolCookie(ctx, reply);
      if (returnTo) return seeOther(reply, returnTo);
      return renderPage(ctx, request, reply, 'enroll', { title: t('enroll.title_done'), done: true, outOfScope: need.outOfScope, links: [], need });
    }
    const sms = ctx.deps.methodRegistration.smsAvailable;
    const seen = new Set<string>();
    const links = need.suggested
      .filter((kind) => kind !== 'sms_code' || sms)
      .map((kind) => ADD_LINKS[kind])
      .filter((link): link is { href: string; label: string } => link !== undefined && !seen.has(link.href) && seen.add(link.href) !== undefined)
      .map((link) => ({ href: link.href, text: t(link.label) }));
    return renderPage(ctx, request, reply, 'enroll', {
      title: t('enroll.title'),
      done: false,
      need,
      links,
      name: account.displayName ?? account.username,
      registered: methods.map((m) => t(`security_info.kind.${m.kind}`)),
      returning: returnTo !== null,
    });
  });
}

/**
 * Where sign-in sends a person next: back to the enrolment page while an `/enroll` is under way, else their
 * security info (used by the sign-in and verify pages).
 */
export function pageAfterSignIn(request: FastifyRequest): string {
  const raw = request.cookies[ENROL_COOKIE];
  return raw && request.unsignCookie(raw).valid ? ENROL_PAGE : '/security-info';
}

/** The remembered `returnTo`, checked against the allowlist again (it may have changed since). */
function enrolReturnTo(ctx: PortalContext, request: FastifyRequest): string | null {
  const raw = request.cookies[ENROL_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  return allowedReturnTo(unsigned.value, ctx.deps.config.enrolment.returnToAllowlist);
}

function clearEnrolCookie(ctx: PortalContext, reply: FastifyReply): void {
  reply.clearCookie(ENROL_COOKIE, { path: '/security-info', httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies });
}

function refused(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'enroll-refused', { title: t('enroll.refused_title') }, 400);
}
