import type { OktaHookConfig } from '../../../config/hooks-schema.js';
import type { HookDeliveryEvent } from '../../../core/hooks/hook-cloud-event.js';
import { HookCallError, HookHttp, jsonOf, ok, type HookRequest, type HookResponse } from '../hook-http.js';
import type { HookTarget } from '../hook-target.js';

/**
 * Okta's Users API: finds the user by login (`GET /api/v1/users/{login}`) and clears their sessions
 * (`DELETE /api/v1/users/{id}/sessions`, with `oauthTokens=true` their OAuth tokens too), authorised by an
 * API token (`Authorization: SSWS …`) of an admin who may manage users (e.g. the Help Desk Administrator role).
 */
export class OktaHook implements HookTarget {
  private readonly http: HookHttp;

  constructor(private readonly config: OktaHookConfig) {
    this.http = new HookHttp(config);
  }

  async send(event: HookDeliveryEvent): Promise<void> {
    const found = await this.call({ method: 'GET', url: `${this.config.orgUrl}/api/v1/users/${encodeURIComponent(event.subject.value)}` }, 'user_not_found');
    const id = jsonOf(found)?.id;
    if (typeof id !== 'string' || id === '') throw new HookCallError('user_not_found', false);
    const query = this.config.revokeOAuthTokens ? '?oauthTokens=true' : '';
    await this.call({ method: 'DELETE', url: `${this.config.orgUrl}/api/v1/users/${encodeURIComponent(id)}/sessions${query}` }, 'user_not_found');
  }

  close(): void {
    this.http.close();
  }

  private async call(req: HookRequest, notFound: string): Promise<HookResponse> {
    const response = await this.http.send({ ...req, headers: { authorization: `SSWS ${this.config.apiToken}`, accept: 'application/json' } });
    if (response.status === 404) throw new HookCallError(notFound, false);
    if (!ok(response)) throw HookCallError.ofStatus(response.status, 'Okta');
    return response;
  }
}
