import type { KeycloakHookConfig } from '../../../config/hooks-schema.js';
import type { HookDeliveryEvent } from '../../../core/hooks/hook-cloud-event.js';
import { ClientCredentials } from '../client-credentials.js';
import { HookCallError, HookHttp, ok, type HookRequest, type HookResponse } from '../hook-http.js';
import type { HookTarget } from '../hook-target.js';

/**
 * Keycloak's admin REST API: finds the user by exact username (`GET /admin/realms/{realm}/users?username=…&exact=true`)
 * and logs them out of every session (`POST …/users/{id}/logout`), with a bearer token of a service-account
 * client (client-credentials grant). The client needs the `realm-management` roles `view-users` and `manage-users`.
 */
export class KeycloakHook implements HookTarget {
  private readonly http: HookHttp;
  private readonly tokens: ClientCredentials;
  private readonly admin: string;

  constructor(config: KeycloakHookConfig, now: () => number = Date.now) {
    this.http = new HookHttp(config);
    const clientRealm = encodeURIComponent(config.clientRealm ?? config.realm);
    this.tokens = new ClientCredentials(this.http, `${config.baseUrl}/realms/${clientRealm}/protocol/openid-connect/token`, { client_id: config.clientId, client_secret: config.clientSecret }, now);
    this.admin = `${config.baseUrl}/admin/realms/${encodeURIComponent(config.realm)}`;
  }

  async send(event: HookDeliveryEvent): Promise<void> {
    const found = await this.call({ method: 'GET', url: `${this.admin}/users?${new URLSearchParams({ username: event.subject.value, exact: 'true' }).toString()}` });
    const users = safeArray(found.text);
    // Exactly one match, or nothing is done: logging out somebody else would be worse than not logging out.
    if (users.length !== 1 || typeof users[0]?.id !== 'string') throw new HookCallError(users.length === 0 ? 'user_not_found' : 'user_ambiguous', false);
    await this.call({ method: 'POST', url: `${this.admin}/users/${encodeURIComponent(users[0].id)}/logout` });
  }

  close(): void {
    this.http.close();
  }

  private async call(req: HookRequest): Promise<HookResponse> {
    const token = await this.tokens.token();
    const response = await this.http.send({ ...req, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(req.method === 'POST' ? { 'content-type': 'application/json' } : {}) } });
    if (response.status === 401) this.tokens.forget();
    if (!ok(response)) throw HookCallError.ofStatus(response.status, 'Keycloak');
    return response;
  }
}

function safeArray(text: string): Array<{ id?: unknown }> {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as Array<{ id?: unknown }>) : [];
  } catch {
    return [];
  }
}
