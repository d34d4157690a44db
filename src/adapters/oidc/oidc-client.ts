import { timingSafeEqual } from 'node:crypto';
import type * as OpenIdClient from 'openid-client';
import { UnlatchError } from '../../core/errors.js';
import { loadOnce } from '../load-once.js';
import type { OidcAuthorization, OidcChecks, OidcClaims, OidcFailureReason, OidcRelyingParty } from '../../core/ports/oidc.js';

export interface OidcClientSettings {
  /** The provider's issuer URL; its discovery document is read from `/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** A confidential client authenticates with `client_secret_basic`; without a secret it is a public client (PKCE only). */
  clientSecret?: string;
  /** Exactly as registered at the provider: built from `publicUrl`, never from a request's Host header. */
  redirectUri: string;
  /** Scopes asked for; `openid` is always among them. */
  scopes: readonly string[];
  /** Claims that must end up in the claims (read from userinfo when the ID token lacks them). */
  wantedClaims: readonly string[];
  /**
   * Allow a plain-http issuer. Only for a provider on loopback or outside production mode: the ID token's
   * signature still holds, but the token exchange and its client secret would travel in clear text.
   */
  allowHttp: boolean;
  /** Seconds for each call to the provider (discovery, token, userinfo). */
  timeoutSeconds?: number;
  /** Seconds a browser is told to wait when the provider cannot be reached. */
  retryAfterSeconds?: number;
}

/** The library, loaded by the first sign-in rather than at start (only a console with `admin.oidc` needs it). */
const openIdClient = loadOnce(() => import('openid-client'));

const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_RETRY_AFTER_SECONDS = 30;

/**
 * The OpenID Connect relying party (openid-client 6): discovery at first use (cached; a failed discovery is
 * tried again at the next sign-in), the authorization URL with PKCE S256, `state` and `nonce`, and the code
 * exchange with full ID token validation. Errors become `sso_failed` (with a reason) or `sso_unavailable`.
 */
export class OidcClient implements OidcRelyingParty {
  private configuration: Promise<OpenIdClient.Configuration> | null = null;

  constructor(private readonly settings: OidcClientSettings) {}

  async authorize(): Promise<OidcAuthorization> {
    const config = await this.config();
    const oidc = await openIdClient();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.scope(),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async complete(callbackQuery: string, checks: OidcChecks): Promise<OidcClaims> {
    const callback = new URL(this.settings.redirectUri);
    callback.search = callbackQuery;
    // Checked here first (constant time), so a forged callback never reaches the provider with our verifier.
    if (!sameSecret(callback.searchParams.get('state') ?? '', checks.state)) throw failed('state_mismatch');
    const config = await this.config();
    const oidc = await openIdClient();
    let tokens: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true,
      });
    } catch (error) {
      throw this.translate(oidc, error, 'code_rejected');
    }
    const idToken = tokens.claims();
    if (!idToken || typeof idToken.sub !== 'string' || idToken.sub === '') throw failed('id_token_invalid');
    let claims: Record<string, unknown> = { ...idToken };
    if (this.settings.wantedClaims.some((name) => claims[name] === undefined) && tokens.access_token) {
      try {
        // Many providers put groups and names only into userinfo; its `sub` must be the ID token's.
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
        claims = { ...userinfo, ...claims };
      } catch (error) {
        throw this.translate(oidc, error, 'claims_invalid');
      }
    }
    return claims as OidcClaims;
  }

  private scope(): string {
    return [...new Set(['openid', ...this.settings.scopes])].join(' ');
  }

  /** Discovery once, at first use; a failure is not cached, so the next sign-in tries again. */
  private config(): Promise<OpenIdClient.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret, allowHttp } = this.settings;
      this.configuration = openIdClient()
        .then((oidc) => oidc.discovery(new URL(issuer), clientId, clientSecret, clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(), {
          timeout: this.settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
          ...(allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
        }))
        .catch((error: unknown) => {
          this.configuration = null;
          // Whatever went wrong, the provider could not be asked: try again later.
          throw error instanceof UnlatchError ? error : this.unavailable();
        });
    }
    return this.configuration;
  }

  private unavailable(): UnlatchError {
    return new UnlatchError('sso_unavailable', { retryAfterSeconds: this.settings.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS });
  }

  /** The library's errors in the registry's words. Never carries a token, code or secret. */
  private translate(oidc: typeof OpenIdClient, error: unknown, fallback: OidcFailureReason): UnlatchError {
    if (error instanceof UnlatchError) return error;
    const unavailable = this.unavailable();
    if (error instanceof oidc.AuthorizationResponseError) return failed('provider_error', { error: error.error });
    if (error instanceof oidc.ResponseBodyError) return error.status >= 500 ? unavailable : failed(fallback, { error: error.error });
    if (isNetworkError(error)) return unavailable;
    if (error instanceof oidc.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return unavailable;
    return failed(fallback === 'code_rejected' ? 'id_token_invalid' : fallback, { code: error instanceof oidc.ClientError ? error.code : undefined });
  }
}

function failed(reason: OidcFailureReason, extra: Record<string, unknown> = {}): UnlatchError {
  return new UnlatchError('sso_failed', { reason, ...extra });
}

/** fetch's own failures (refused, reset, DNS) and the per-call timeout. */
function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return true;
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
