import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeTotpCode } from '../../../core/methods/totp/totp.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { MAX_METHOD_ID } from './security-info.js';

/** What the person sees to set up the app; the QR code is absent when the page is shown again after a wrong code. */
interface TotpSetup {
  methodId: string;
  /** `data:image/svg+xml;base64,…` of the QR code, or null. */
  qr: string | null;
  /** The secret in groups of four, and spelled out character by character for screen readers. */
  secretGroups: string | null;
  secretSpelled: string | null;
  /** The plain secret, in a read-only field to copy (the grouped one is for reading and typing). */
  secret: string | null;
  /** The `otpauth://` URI, as a link that opens the authenticator app on the same phone (no camera needed). */
  uri: string | null;
}

/**
 * `/security-info/totp`: name the app (GET shows the form, POST begins), then scan the QR code or
 * type the secret, and confirm with the first code (`POST /security-info/totp/confirm`).
 */
export function registerSecurityTotp(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/totp', async (request, reply) => {
    if (!(await signedInAccount(ctx, request))) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'security-totp-name', { title: t('security_totp.name_title'), form: true, defaultName: t('security_totp.name.default') });
  });

  app.post('/security-info/totp', { schema: formSchema({ name: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const enrollment = await ctx.deps.methodRegistration.beginTotp({ account, name: field(request, 'name'), client: clientOf(request) });
    const setup: TotpSetup = {
      methodId: enrollment.methodId,
      // An <img> from a data: URL: the SVG's own attributes can never meet the page's CSP, and it runs nothing.
      qr: `data:image/svg+xml;base64,${Buffer.from(enrollment.qrSvg, 'utf8').toString('base64')}`,
      secretGroups: (enrollment.secret.match(/.{1,4}/g) ?? []).join(' '),
      secretSpelled: enrollment.secret.split('').join(' '),
      secret: enrollment.secret,
      uri: enrollment.uri,
    };
    return show(ctx, request, reply, setup, []);
  });

  app.post('/security-info/totp/confirm', { schema: formSchema({ methodId: MAX_METHOD_ID, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const methodId = field(request, 'methodId');
    const typed = field(request, 'code');
    // The seed is never sent back to the browser: after a wrong code the app already holds it.
    const again: TotpSetup = { methodId, qr: null, secretGroups: null, secretSpelled: null, secret: null, uri: null };
    // A malformed entry is a typo: said as such, and core is not asked.
    if (typed.trim() === '') return show(ctx, request, reply, again, [{ field: 'code', message: t('security_totp.code.required') }], 422);
    if (normalizeTotpCode(typed) === null) return show(ctx, request, reply, again, [{ field: 'code', message: t('security_totp.code.format') }], 422);
    const result = await ctx.deps.methodRegistration.finishTotp({ account, methodId, code: typed, client: clientOf(request) });
    if (result.ok) return seeOther(reply, '/security-info?done=added');
    return show(ctx, request, reply, again, [{ field: 'code', message: t('security_totp.code.wrong') }], 422);
  });
}

function show(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, setup: TotpSetup, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-totp', { title: t('security_totp.title'), form: true, errors, ...setup }, status);
}
