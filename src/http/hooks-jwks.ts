import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from './http-deps.js';

/** Where relying parties fetch the keys that sign back-channel logout tokens (docs/hooks.md). */
export const HOOKS_JWKS_PATH = '/.well-known/unlatch-hooks-jwks.json';

/**
 * `GET /.well-known/unlatch-hooks-jwks.json`: the public keys of the `oidc-backchannel` hooks as a JWKS
 * (RFC 7517), for relying parties to verify logout tokens. Public by nature; registered only when such a
 * hook is configured. Cached for a short while, so a key rotation reaches relying parties soon.
 */
export const hooksJwksRoute: FastifyPluginAsync<{ deps: HttpDeps }> = async (app, { deps }) => {
  const jwks = deps.hooksJwks;
  if (!jwks) return;
  app.get(HOOKS_JWKS_PATH, { logLevel: 'warn' }, async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=300').type('application/jwk-set+json').send(JSON.stringify(jwks));
  });
};
