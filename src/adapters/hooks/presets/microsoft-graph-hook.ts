import type { GraphHookConfig } from '../../../config/hooks-schema.js';
import type { HookDeliveryEvent } from '../../../core/hooks/hook-cloud-event.js';
import { ClientCredentials } from '../client-credentials.js';
import { HookCallError, HookHttp, ok } from '../hook-http.js';
import type { HookTarget } from '../hook-target.js';

/**
 * Microsoft Graph's `POST /v1.0/users/{id | userPrincipalName}/revokeSignInSessions`: Entra ID invalidates the
 * user's refresh tokens and session cookies, so every app signs them in again. The token comes from the
 * client-credentials grant of an app registration with the application permission `User.RevokeSessions.All`.
 */
export class MicrosoftGraphHook implements HookTarget {
  private readonly http: HookHttp;
  private readonly tokens: ClientCredentials;

  constructor(private readonly config: GraphHookConfig, now: () => number = Date.now) {
    this.http = new HookHttp(config);
    this.tokens = new ClientCredentials(this.http, `${config.authorityUrl}/${encodeURIComponent(config.tenant)}/oauth2/v2.0/token`, {
      client_id: config.clientId,
      client_secret: config.clientSecret,
      scope: config.scope,
    }, now);
  }

  async send(event: HookDeliveryEvent): Promise<void> {
    const token = await this.tokens.token();
    // Graph takes no body here; an empty one with its length keeps proxies happy.
    const response = await this.http.send({
      method: 'POST',
      url: `${this.config.graphUrl}/v1.0/users/${encodeURIComponent(event.subject.value)}/revokeSignInSessions`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (response.status === 401) this.tokens.forget();
    if (response.status === 404) throw new HookCallError('user_not_found', false);
    if (!ok(response)) throw HookCallError.ofStatus(response.status, 'Microsoft Graph');
  }

  close(): void {
    this.http.close();
  }
}
