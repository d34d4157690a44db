import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import csrf from '@fastify/csrf-protection';
import view from '@fastify/view';
import { Eta } from 'eta';
import { packageRoot } from '../../package-root.js';
import type { HttpDeps } from '../http-deps.js';
import type { AdminContext } from './admin-context.js';
import type { AdminServices } from './console-services.js';
import { registerAdminErrors } from './admin-errors.js';
import { guardArea } from './area-guard.js';
import { AREAS } from './areas/index.js';
import { registerConsoleHome, registerSignOut } from './console-home.js';
import { requireConsoleSession } from './console-session.js';
import { recordRoutes } from './route-catalog.js';
import { registerChartAssets } from './charts/chart-assets.js';
import { registerOidcSignIn } from './sign-in/oidc-routes.js';
import { registerSignInPage } from './sign-in/sign-in-page.js';
import { registerVerifyPage } from './sign-in/verify-page.js';

const ADMIN_SOURCE_DIR = join('src', 'http', 'admin');
const PORTAL_ASSETS_DIR = join('src', 'http', 'portal', 'assets');
/** The console's own CSRF secret cookie (the form carries a token derived from it). */
const CSRF_COOKIE = 'unlatch_admin_csrf';

/**
 * The operator console at `/admin`: server-rendered pages that work without JavaScript. Public: the sign-in
 * pages and assets. Everything else sits in one scope whose hook resolves the console session, and each area
 * in its own child scope whose hook checks the area's roles on the tenant in the path. Every POST carries a
 * CSRF token; every page is `no-store`.
 */
export const adminConsolePlugin: FastifyPluginAsync<{ deps: HttpDeps; admin: AdminServices }> = async (app, { deps, admin }) => {
  const root = join(packageRoot(), ADMIN_SOURCE_DIR);
  const ctx: AdminContext = { deps, admin, areas: AREAS, secureCookies: deps.config.publicUrl?.startsWith('https://') ?? false };
  app.decorateRequest('operator', null);
  await app.register(view, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: join(root, 'views'),
    production: deps.config.mode === 'production',
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/admin', httpOnly: true, sameSite: 'strict', signed: true, secure: ctx.secureCookies },
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
  });
  registerAdminErrors(app, ctx);
  registerConsoleAssets(app, root);
  ctx.chartAssets = registerChartAssets(app, '/admin/assets');
  registerSignInPage(app, ctx);
  registerVerifyPage(app, ctx);
  if (admin.oidc) registerOidcSignIn(app, ctx, admin.oidc);
  registerSignOut(app, ctx);

  await app.register(async (console) => {
    recordRoutes(console, admin, null);
    requireConsoleSession(console, ctx);
    registerConsoleHome(console, ctx);
    for (const area of AREAS) {
      if (!area.pages) continue;
      const pages = area.pages;
      await console.register(async (scope) => {
        recordRoutes(scope, admin, area.id);
        guardArea(scope, area);
        pages(scope, ctx);
      }, { prefix: `/admin/t/:tenant/${area.id}` });
    }
  });
};

/** The console's stylesheet and scripts, read once; served from Unlatch itself (the CSP allows 'self' only). */
function registerConsoleAssets(app: FastifyInstance, root: string): void {
  const webauthnRoot = dirname(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')));
  const files: Array<[string, string, string]> = [
    // The portal's stylesheet is the console's base (type, forms, buttons, focus); admin.css adds the console's parts.
    ['/admin/assets/portal.css', 'text/css; charset=utf-8', readFileSync(join(packageRoot(), PORTAL_ASSETS_DIR, 'portal.css'), 'utf8')],
    ['/admin/assets/admin.css', 'text/css; charset=utf-8', readFileSync(join(root, 'assets', 'admin.css'), 'utf8')],
    ['/admin/assets/passkeys.js', 'text/javascript; charset=utf-8', readFileSync(join(packageRoot(), PORTAL_ASSETS_DIR, 'passkeys.js'), 'utf8')],
    ['/admin/assets/webauthn-browser.js', 'text/javascript; charset=utf-8', readFileSync(join(webauthnRoot, 'dist', 'bundle', 'index.umd.min.js'), 'utf8')],
  ];
  for (const [url, type, body] of files) {
    app.get(url, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  }
}
