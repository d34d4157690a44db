import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identityFromClaims } from '../../../core/admin/oidc-identity.js';
import { isUnlatchError, UnlatchError } from '../../../core/errors.js';
import type { AuditEntryInput } from '../../../core/ports/audit.js';
import type { OidcRelyingParty } from '../../../core/ports/oidc.js';
import { formSchema } from '../../portal/form.js';
import { clientOf } from '../../portal/page.js';
import type { AdminContext } from '../admin-context.js';
import { setSessionCookie } from '../admin-cookies.js';
import { adminT, renderAdmin } from '../admin-page.js';
import { clearOidcCookie, readOidcCookie, setOidcCookie } from './oidc-state-cookie.js';

/** Longer callback query strings are not a provider's answer. */
const MAX_CALLBACK_QUERY = 8192;

/**
 * Operator sign-in through the organisation's OpenID Connect provider (config `admin.oidc`).
 * `POST /admin/sign-in/oidc` (CSRF-checked like every console POST) starts it and sends the browser to the
 * provider; `GET /admin/sign-in/oidc/callback` finishes it: the provider's groups are mapped through the
 * tenant's `operators` grants and a console session starts. Every failure is audited and lands on the
 * sign-in page with a message; an unreachable provider answers 503 with Retry-After.
 */
export function registerOidcSignIn(app: FastifyInstance, ctx: AdminContext, rp: OidcRelyingParty): void {
  const settings = ctx.deps.config.admin.oidc;
  if (!settings) return;
  const tenantId = settings.tenant ?? ctx.deps.tenants.defaultTenantId;

  app.post('/admin/sign-in/oidc', { schema: formSchema({}) }, async (request, reply) => {
    try {
      const started = await rp.authorize();
      setOidcCookie(ctx, reply, started);
      return continueTo(ctx, request, reply, started.url, 'to_provider');
    } catch (error) {
      return refuse(ctx, request, reply, tenantId, error, null);
    }
  });

  app.get('/admin/sign-in/oidc/callback', async (request, reply) => {
    const checks = readOidcCookie(request);
    clearOidcCookie(ctx, reply);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    let subject: string | null = null;
    try {
      if (!checks || query.length > MAX_CALLBACK_QUERY) throw new UnlatchError('sso_failed', { reason: 'state_mismatch' });
      const claims = await rp.complete(query, checks);
      subject = claims.sub;
      const identity = identityFromClaims(claims, settings, tenantId);
      const token = await ctx.admin.signIn.startExternal(identity, clientOf(request));
      setSessionCookie(ctx, reply, token);
      // Not a 303 to /admin: this request came from the provider's site, and a browser keeps a redirect in
      // that cross-site navigation, so the SameSite=Strict session cookie would not go with it. A refresh
      // from this page is a same-site navigation of its own.
      return await continueTo(ctx, request, reply, '/admin', 'to_console');
    } catch (error) {
      return refuse(ctx, request, reply, tenantId, error, subject);
    }
  });
}

/**
 * The sign-in page again, with why. `invalid_credentials` (no console role) is audited by the core already;
 * anything else here gets its `admin.signin_failed` entry. Unexpected errors go to the console's error page.
 */
async function refuse(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, tenantId: string, error: unknown, subject: string | null): Promise<FastifyReply> {
  if (!isUnlatchError(error) || !['sso_failed', 'sso_unavailable', 'invalid_credentials'].includes(error.code)) throw error;
  const t = adminT(ctx, request);
  const unavailable = error.code === 'sso_unavailable';
  if (error.code !== 'invalid_credentials') {
    const reason = unavailable ? 'provider_unreachable' : String(error.details.reason ?? 'unknown');
    request.log.warn({ code: error.code, reason, cause: error.details.cause }, 'console OIDC sign-in refused');
    await audit(ctx, request, tenantId, subject, { reason, via: 'oidc', ...(typeof error.details.error === 'string' ? { providerError: error.details.error.slice(0, 64) } : {}) });
  }
  if (unavailable) reply.header('retry-after', String(error.details.retryAfterSeconds ?? 30));
  const message = t(unavailable ? 'oidc.unavailable' : error.code === 'invalid_credentials' ? 'oidc.no_role' : 'oidc.failed');
  const oidc = ctx.deps.config.admin.oidc;
  return renderAdmin(ctx, request, reply, 'sign-in', {
    title: t('sign_in.title'),
    errors: [{ field: 'oidc', message }],
    tenants: ctx.deps.tenants.list(),
    values: {},
    oidc: oidc ? { label: oidc.label } : null,
  }, unavailable ? 503 : 401);
}

/**
 * A page that moves the browser on at once (the `Refresh` header; a button without it). Not a 303: the
 * console's CSP says `form-action 'self'`, and a browser applies that to every redirect of a form's
 * submission, so a 303 from the button's POST to the provider would be blocked. A refresh is a navigation
 * of its own, not the form's.
 */
async function continueTo(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, href: string, which: 'to_provider' | 'to_console'): Promise<FastifyReply> {
  const t = adminT(ctx, request);
  reply.header('refresh', `0;url=${href}`);
  return renderAdmin(ctx, request, reply, 'sign-in-oidc-continue', { title: t(`oidc.${which}_title`), intro: t(`oidc.${which}_intro`), href, linkText: t(`oidc.${which}_link`) });
}

async function audit(ctx: AdminContext, request: FastifyRequest, tenantId: string, subject: string | null, details: Record<string, unknown>): Promise<void> {
  const client = clientOf(request);
  const entry: AuditEntryInput = {
    event: 'admin.signin_failed', outcome: 'failure', tenantId, subjectId: subject, actor: 'operator-sign-in', flowId: null,
    ip: client.ip, userAgent: client.userAgent, correlationId: client.correlationId, details,
  };
  await ctx.admin.store.transaction((tx) => tx.audit.append(entry));
}
