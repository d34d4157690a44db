import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** People the test provider knows: `ada` is in the console's admin group, `bob` is not. */
export const OIDC_ACCOUNTS: Record<string, Record<string, unknown> & { sub: string }> = {
  ada: { sub: 'oidc-ada', preferred_username: 'ada', name: 'Ada Operator', email: 'ada@example.org', email_verified: true, groups: ['unlatch-admins', 'staff'] },
  bob: { sub: 'oidc-bob', preferred_username: 'bob', name: 'Bob Staff', email: 'bob@example.org', email_verified: true, groups: ['staff'] },
};

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Creates the provider with its one client; the redirect URI is known only once the app listens. */
  configure(redirectUri: string): void;
  close(): Promise<void>;
}

/**
 * A real certified OpenID Provider (oidc-provider 9) on a free loopback port, with its built-in login and
 * consent pages (any password). `hostname: 'localhost'` makes it another site than an app on 127.0.0.1 (a
 * browser then treats the way back as a cross-site navigation, as with a real provider). Listens first, so the issuer URL can go into the app's config before the
 * app's own port (the redirect URI) is known.
 */
export async function startTestOidcProvider(options: { hostname?: string } = {}): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${options.hostname ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const clientId = 'unlatch-console';
  const clientSecret = 'test-only-client-secret';
  return {
    issuer,
    clientId,
    clientSecret,
    configure(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
          grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
        }],
        pkce: { required: () => true },
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'], groups: ['groups'] },
        // Scope claims (groups) go into the ID token too, not only userinfo.
        conformIdTokenClaims: false,
        findAccount: async (_ctx, id) => {
          const account = OIDC_ACCOUNTS[id];
          return account ? { accountId: id, claims: async () => account } : undefined;
        },
        cookies: { keys: ['test-only-cookie-key'] },
        features: { devInteractions: { enabled: true } },
      });
      server.on('request', provider.callback());
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
