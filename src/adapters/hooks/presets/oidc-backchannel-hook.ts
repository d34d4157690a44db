import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { BackchannelHookConfig } from '../../../config/hooks-schema.js';
import type { HookDeliveryEvent } from '../../../core/hooks/hook-cloud-event.js';
import { HookCallError, HookHttp, ok } from '../hook-http.js';
import type { HookTarget } from '../hook-target.js';
import type { LogoutSigningKey } from '../logout-signing-key.js';

/** The `events` member every logout token carries (OpenID Connect Back-Channel Logout 1.0, §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * OpenID Connect Back-Channel Logout 1.0: a logout token (a JWT with `typ: logout+jwt`, `iss`, `aud`, `iat`,
 * `exp`, a fresh `jti`, `sub` and the logout event, never a `nonce`) POSTed form-encoded as `logout_token`
 * to the relying party's `backchannel_logout_uri`. The relying party verifies it with the JWKS Unlatch
 * serves and ends the person's sessions; it answers 200 (or 204), 400 when it refuses the token.
 */
export class OidcBackchannelHook implements HookTarget {
  private readonly http: HookHttp;

  constructor(
    private readonly config: BackchannelHookConfig,
    private readonly key: LogoutSigningKey,
    private readonly issuer: string,
    private readonly now: () => number = Date.now,
  ) {
    this.http = new HookHttp(config);
  }

  async send(event: HookDeliveryEvent): Promise<void> {
    const token = await this.logoutToken(event.subject.value);
    const response = await this.http.send({
      method: 'POST',
      url: this.config.url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
      body: new URLSearchParams({ logout_token: token }).toString(),
    });
    // 400: the relying party refused this token (§2.8); another copy of it would be refused too.
    if (response.status === 400) throw new HookCallError('token_refused', false, 'relying party refused the logout token');
    if (!ok(response)) throw HookCallError.ofStatus(response.status, 'relying party');
  }

  /** A new logout token for `subject` (each delivery attempt gets its own `jti`: relying parties refuse replays). */
  logoutToken(subject: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: 'logout+jwt' })
      .setIssuer(this.issuer)
      .setAudience(this.config.audience)
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.config.tokenLifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  close(): void {
    this.http.close();
  }
}
