import { HookCallError, jsonOf, ok, type HookHttp } from './hook-http.js';

/** Seconds before a token's end at which a new one is fetched (clock skew, a slow call). */
const EARLY_SECONDS = 60;

/**
 * An OAuth 2.0 client-credentials grant (RFC 6749 §4.4) with the token kept until shortly before it ends:
 * Keycloak's service-account client and Entra ID's app registration both hand out bearer tokens this way.
 * The secret goes in the form body (`client_secret_post`), never in a URL or a log line.
 */
export class ClientCredentials {
  private cached: { token: string; until: number } | null = null;

  constructor(
    private readonly http: HookHttp,
    private readonly tokenUrl: string,
    private readonly form: Record<string, string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token: the kept one, or a new one from the token endpoint. */
  async token(): Promise<string> {
    const now = this.now();
    if (this.cached && this.cached.until > now) return this.cached.token;
    const response = await this.http.send({
      method: 'POST',
      url: this.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...this.form }).toString(),
    });
    // A refused grant is our configuration (a wrong or expired secret): retried, as a fixed secret may follow.
    if (!ok(response)) throw new HookCallError(`token_${response.status}`, response.status === 400 || response.status === 401 || response.status >= 500 || response.status === 429, `token endpoint answered ${response.status}`);
    const json = jsonOf(response);
    const token = json?.access_token;
    if (typeof token !== 'string' || token === '') throw new HookCallError('token_malformed', true, 'token endpoint answered without an access_token');
    const lifetime = typeof json?.expires_in === 'number' ? json.expires_in : 300;
    this.cached = { token, until: now + Math.max(0, lifetime - EARLY_SECONDS) * 1000 };
    return token;
  }

  /** Drops the kept token (the API refused it: revoked, or its roles changed). */
  forget(): void {
    this.cached = null;
  }
}
