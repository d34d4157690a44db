import type { FastifyInstance } from 'fastify';

/** The portal's static files, read once at start; the CSP allows styles and scripts from 'self' only. */
export interface PortalAssets {
  css: string;
  /** The portal's passkey script (`assets/passkeys.js`): the only JavaScript, and only an enhancement. */
  passkeysJs: string;
  /** `@simplewebauthn/browser`'s prebuilt UMD bundle from node_modules (global `SimpleWebAuthnBrowser`), never a CDN. */
  webauthnBrowserJs: string;
}

export function registerAssets(app: FastifyInstance, assets: PortalAssets): void {
  // Not secret and the same for everyone: the no-store of the pages does not apply.
  const serve = (url: string, type: string, body: string) =>
    app.get(url, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  serve('/assets/portal.css', 'text/css; charset=utf-8', assets.css);
  serve('/assets/passkeys.js', 'text/javascript; charset=utf-8', assets.passkeysJs);
  serve('/assets/webauthn-browser.js', 'text/javascript; charset=utf-8', assets.webauthnBrowserJs);
}
