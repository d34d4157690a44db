import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import csrf from '@fastify/csrf-protection';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { HttpDeps } from '../http-deps.js';
import { packageRoot } from '../../package-root.js';
import type { PortalContext } from './page.js';
import { registerPortalErrors } from './portal-errors.js';
import { registerAssets } from './routes/assets.js';
import { registerChange } from './routes/change.js';
import { registerChangeDone } from './routes/change-done.js';
import { registerDevOutbox } from './routes/dev-outbox.js';
import { registerHome } from './routes/home.js';
import { registerResetCode } from './routes/reset-code.js';
import { registerResetLink } from './routes/reset-link.js';
import { registerResetUnlock } from './routes/reset-unlock.js';
import { registerResetDone } from './routes/reset-done.js';
import { registerResetPasskey } from './routes/reset-passkey.js';
import { registerResetPassword } from './routes/reset-password.js';
import { registerResetSecond } from './routes/reset-second.js';
import { registerResetReview } from './routes/reset-review.js';
import { registerResetStart } from './routes/reset-start.js';
import { registerSecurityBackupCodes } from './routes/security-backup-codes.js';
import { registerSecurityInfo } from './routes/security-info.js';
import { registerSecurityImported } from './routes/security-imported.js';
import { registerSecuritySignIn } from './routes/security-sign-in.js';
import { registerSecuritySignInPass } from './routes/security-sign-in-pass.js';
import { registerSecuritySignOut } from './routes/security-sign-out.js';
import { registerSecurityPasskey } from './routes/security-passkey.js';
import { registerSecurityTotp } from './routes/security-totp.js';
import { registerSecurityPhone } from './routes/security-phone.js';
import { registerSecurityEmail } from './routes/security-email.js';
import { registerSecurityQuestions } from './routes/security-questions.js';
import { registerResetQuestions } from './routes/reset-questions.js';
import { registerSecurityVerify } from './routes/security-verify.js';
import { registerSecurityRename } from './routes/security-rename.js';
import { registerSecurityTest } from './routes/security-test.js';
import { registerEnroll } from './routes/enroll.js';
import { registerReport } from './routes/report.js';
import { BrandCatalogue } from './brand-catalogue.js';
import { defaultFavicon } from './default-favicon.js';
import { registerBrandChoice } from './brand-choice.js';
import { registerBrandAssets } from './routes/brand-assets.js';
import { registerEnhancements } from './routes/enhancements.js';
import { registerProofOfWorkAssets } from './routes/proof-of-work.js';
import { registerSecurityRemove } from './routes/security-remove.js';
import { registerSecurityBackupDownload } from './routes/security-backup-download.js';

/** Templates and the stylesheet, read from the package root so `src/` and `dist/src/` find the same files. */
const PORTAL_SOURCE_DIR = join('src', 'http', 'portal');

/** The cookie holding the CSRF secret (the form carries a token derived from it). */
const CSRF_COOKIE = 'unlatch_csrf';

/**
 * The portal: server-rendered pages that work with JavaScript off. Every POST carries a CSRF
 * token; every page is `no-store` and `no-referrer`; errors render a page with a human message.
 */
export const portalPlugin: FastifyPluginAsync<{ deps: HttpDeps }> = async (app, { deps }) => {
  const root = join(packageRoot(), PORTAL_SOURCE_DIR);
  const secureCookies = deps.config.publicUrl?.startsWith('https://') ?? false;
  const ctx: PortalContext = {
    deps,
    secureCookies,
    tenantChoice: deps.tenants.list().length > 1,
    brands: new BrandCatalogue(deps.config),
  };

  await app.register(view, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: join(root, 'views'),
    // Compiled templates are cached outside dev mode; in dev an edited template shows on reload.
    production: deps.config.mode === 'production',
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', signed: true, secure: secureCookies },
  });

  // The body is parsed only after onRequest, so the token is checked here, before any handler.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });
  // Flow pages hold one-time state: never cached, never leaked through a Referer (SECURITY.md).
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
  });

  registerPortalErrors(app, ctx);
  registerBrandChoice(app, ctx);
  registerBrandAssets(app, ctx.brands, defaultFavicon());
  registerAssets(app, {
    css: readFileSync(join(root, 'assets', 'portal.css'), 'utf8'),
    passkeysJs: readFileSync(join(root, 'assets', 'passkeys.js'), 'utf8'),
    webauthnBrowserJs: readFileSync(join(webauthnBrowserRoot(), 'dist', 'bundle', 'index.umd.min.js'), 'utf8'),
  });
  registerEnhancements(app, readFileSync(join(root, 'assets', 'portal.js'), 'utf8'));
  registerProofOfWorkAssets(app, join(root, 'assets'));
  registerHome(app, ctx);
  registerResetStart(app, ctx);
  registerResetCode(app, ctx);
  registerResetLink(app, ctx);
  registerResetUnlock(app, ctx);
  registerResetSecond(app, ctx);
  registerResetReview(app, ctx);
  registerResetQuestions(app, ctx);
  registerResetPasskey(app, ctx);
  registerResetPassword(app, ctx);
  registerResetDone(app, ctx);
  registerChange(app, ctx);
  registerChangeDone(app, ctx);
  registerSecuritySignIn(app, ctx);
  registerSecuritySignInPass(app, ctx);
  registerSecurityVerify(app, ctx);
  registerSecurityInfo(app, ctx);
  registerSecurityImported(app, ctx);
  registerSecurityTotp(app, ctx);
  registerSecurityPhone(app, ctx);
  registerSecurityEmail(app, ctx);
  registerSecurityQuestions(app, ctx);
  registerSecurityPasskey(app, ctx);
  registerSecurityBackupCodes(app, ctx);
  registerSecurityBackupDownload(app, ctx);
  registerSecurityRemove(app, ctx);
  registerSecurityRename(app, ctx);
  registerSecurityTest(app, ctx);
  registerEnroll(app, ctx);
  registerSecuritySignOut(app, ctx);
  // "This wasn't me" (docs/fraud-reports.md): absent services, no such page.
  if (deps.fraud) registerReport(app, ctx, deps.fraud);
  if (deps.devOutbox) registerDevOutbox(app, ctx, deps.devOutbox);
};

/**
 * The root of the installed `@simplewebauthn/browser` package (its exports map names only `.`, which
 * resolves to `<root>/script/index.js`), so its prebuilt bundle is served from node_modules.
 */
function webauthnBrowserRoot(): string {
  return dirname(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')));
}
