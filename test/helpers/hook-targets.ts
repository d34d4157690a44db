import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';

/** One request a fake target took, and whether it passed the checks of the API it stands for. */
export interface TargetCall {
  api: 'keycloak-token' | 'keycloak-users' | 'keycloak-logout' | 'okta-user' | 'okta-sessions' | 'graph-token' | 'graph-revoke' | 'rp-logout' | 'webhook' | 'broken';
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The secrets the fake targets expect (the hooks' configuration in the tests uses the same). */
export const TARGET_SECRETS = {
  keycloakClientSecret: 'kc-client-secret',
  keycloakAccess: 'kc-access-token',
  oktaToken: 'okta-api-token',
  graphClientSecret: 'graph-client-secret',
  graphAccess: 'graph-access-token',
  webhookKeys: [{ id: 'k1', secret: 'old-hook-secret-0123456789abcdef0123' }, { id: 'k2', secret: 'new-hook-secret-0123456789abcdef0123' }],
};

/** The receiver's side of docs/hooks.md: any listed key, a fresh timestamp, a matching MAC. */
export function signatureValid(header: string | undefined, body: string, keys: ReadonlyArray<{ id: string; secret: string }>): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const key = keys.find((k) => k.id === parts.k);
  const t = Number(parts.t);
  if (!key || !parts.v1 || !Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', key.secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Local HTTPS stand-ins for Keycloak's admin API, Okta's Users API, Entra ID + Microsoft Graph, a relying
 * party's back-channel logout endpoint and a webhook receiver. Each answers as the real API does only when
 * the request is what that API expects (method, path, auth header, body); anything else is refused with
 * 400/401/404 and recorded in `refused`, so a wrong request shape fails the tests.
 */
export class FakeHookTargets {
  readonly calls: TargetCall[] = [];
  readonly refused: string[] = [];
  /** Checks a logout token (the test verifies it with jose against the app's JWKS); false refuses it. */
  verifyLogoutToken: (token: string) => Promise<boolean> = async () => true;
  /** What `/broken` answers (500: a target that fails for good, until a test mends it). */
  brokenStatus = 500;
  private server: Server | null = null;

  constructor(private readonly tls: { key: Buffer; cert: Buffer }, readonly port: number) {}

  get base(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  callsTo(api: TargetCall['api']): TargetCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  async up(): Promise<void> {
    const server = createServer(this.tls, (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        void this.answer(req.method ?? '', req.url ?? '', req.headers, body).then(([status, json]) => {
          res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' }).end(json === undefined ? undefined : JSON.stringify(json));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private refuse(why: string, status = 400): [number, unknown] {
    this.refused.push(why);
    return [status, { error: why }];
  }

  private async answer(method: string, url: string, headers: TargetCall['headers'], body: string): Promise<[number, unknown]> {
    const record = (api: TargetCall['api']) => this.calls.push({ api, method, url, headers, body });
    const form = () => Object.fromEntries(new URLSearchParams(body));
    const isForm = String(headers['content-type']).startsWith('application/x-www-form-urlencoded');
    const bearer = (token: string) => headers.authorization === `Bearer ${token}`;
    const s = TARGET_SECRETS;

    if (url === '/kc/realms/staff/protocol/openid-connect/token') {
      record('keycloak-token');
      const f = form();
      if (method !== 'POST' || !isForm || f.grant_type !== 'client_credentials' || f.client_id !== 'unlatch-hooks' || f.client_secret !== s.keycloakClientSecret) return this.refuse('keycloak token request', 401);
      return [200, { access_token: s.keycloakAccess, expires_in: 300, token_type: 'Bearer' }];
    }
    if (url.startsWith('/kc/admin/realms/staff/users?')) {
      record('keycloak-users');
      const q = new URLSearchParams(url.slice(url.indexOf('?') + 1));
      if (method !== 'GET' || !bearer(s.keycloakAccess) || q.get('exact') !== 'true' || !q.get('username')) return this.refuse('keycloak user search', 401);
      return [200, [{ id: `kc-${q.get('username')}`, username: q.get('username') }]];
    }
    const logout = /^\/kc\/admin\/realms\/staff\/users\/([^/]+)\/logout$/.exec(url);
    if (logout) {
      record('keycloak-logout');
      if (method !== 'POST' || !bearer(s.keycloakAccess) || !logout[1]!.startsWith('kc-')) return this.refuse('keycloak logout', 401);
      return [204, undefined];
    }
    const oktaUser = /^\/okta\/api\/v1\/users\/([^/?]+)$/.exec(url);
    if (oktaUser) {
      record('okta-user');
      if (method !== 'GET' || headers.authorization !== `SSWS ${s.oktaToken}`) return this.refuse('okta user lookup', 401);
      return [200, { id: `00u-${decodeURIComponent(oktaUser[1]!)}`, profile: { login: decodeURIComponent(oktaUser[1]!) } }];
    }
    if (/^\/okta\/api\/v1\/users\/00u-[^/]+\/sessions\?oauthTokens=true$/.test(url)) {
      record('okta-sessions');
      if (method !== 'DELETE' || headers.authorization !== `SSWS ${s.oktaToken}`) return this.refuse('okta clear sessions', 401);
      return [204, undefined];
    }
    if (url === '/login/contoso.example/oauth2/v2.0/token') {
      record('graph-token');
      const f = form();
      if (method !== 'POST' || !isForm || f.grant_type !== 'client_credentials' || f.client_id !== 'graph-app' || f.client_secret !== s.graphClientSecret || f.scope !== 'https://graph.microsoft.com/.default') return this.refuse('graph token request', 401);
      return [200, { access_token: s.graphAccess, expires_in: 3599, token_type: 'Bearer' }];
    }
    if (/^\/graph\/v1\.0\/users\/[^/]+\/revokeSignInSessions$/.test(url)) {
      record('graph-revoke');
      if (method !== 'POST' || !bearer(s.graphAccess) || body !== '') return this.refuse('graph revokeSignInSessions', 401);
      return [200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true }];
    }
    if (url === '/rp/backchannel') {
      record('rp-logout');
      const token = form().logout_token;
      if (method !== 'POST' || !isForm || !token || !(await this.verifyLogoutToken(token))) return this.refuse('logout token');
      return [200, undefined];
    }
    if (url === '/webhook') {
      record('webhook');
      if (method !== 'POST' || !signatureValid(headers['x-unlatch-signature'] as string | undefined, body, s.webhookKeys)) return this.refuse('webhook signature', 401);
      return [202, undefined];
    }
    if (url === '/broken') {
      record('broken');
      return [this.brokenStatus, undefined];
    }
    return this.refuse(`unexpected ${method} ${url}`, 404);
  }
}
