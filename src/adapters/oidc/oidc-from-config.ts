import type { UnlatchConfig } from '../../config/schema.js';
import { OidcClient } from './oidc-client.js';

/** Hosts a plain-http issuer may use in production mode: the same machine only. */
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The console's OIDC relying party from `admin.oidc`, or undefined when it is not configured. The redirect URI
 * is `${publicUrl}/admin/sign-in/oidc/callback` (register exactly this at the provider). A plain-http issuer
 * is refused in production mode unless it is on loopback: the code exchange carries the client secret.
 */
export function oidcRelyingPartyOf(config: UnlatchConfig): OidcClient | undefined {
  const oidc = config.admin.oidc;
  if (!oidc) return undefined;
  const issuer = new URL(oidc.issuer);
  const http = issuer.protocol === 'http:';
  if (http && config.mode === 'production' && !LOOPBACK.has(issuer.hostname)) {
    throw new Error('config: admin.oidc.issuer: must be https in production mode (a loopback provider excepted)');
  }
  return new OidcClient({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    redirectUri: oidcRedirectUri(config),
    scopes: oidc.scopes,
    wantedClaims: [oidc.rolesClaim, oidc.usernameClaim, 'name'],
    allowHttp: http,
  });
}

/** Where the provider sends the browser back: from the configured public URL, never a request's Host header. */
export function oidcRedirectUri(config: UnlatchConfig): string {
  return `${(config.publicUrl ?? '').replace(/\/+$/, '')}/admin/sign-in/oidc/callback`;
}
