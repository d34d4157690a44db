/**
 * The console's relying party at the organisation's OpenID Connect provider (authorization code + PKCE).
 * Implemented by `src/adapters/oidc/oidc-client.ts`; the console's sign-in routes use only this.
 */
export interface OidcRelyingParty {
  /**
   * Starts a sign-in: fresh `state`, `nonce` and PKCE verifier, and the provider's authorization URL (S256
   * challenge). Throws `sso_unavailable` when the provider's discovery document cannot be read.
   */
  authorize(): Promise<OidcAuthorization>;
  /**
   * Finishes a sign-in from the callback's query string: checks `state`, exchanges the code with the
   * verifier, validates the ID token (signature, issuer, audience, expiry, nonce) and returns its claims,
   * completed from userinfo where the ID token lacks a claim the console needs. Throws `sso_failed` (with
   * `reason`) when the answer is refused, `sso_unavailable` when the provider cannot be reached.
   */
  complete(callbackQuery: string, checks: OidcChecks): Promise<OidcClaims>;
}

/** What the browser carries between the two legs (in a short-lived signed cookie); never logged. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcAuthorization extends OidcChecks {
  /** Where to send the browser. */
  url: string;
}

/** The validated claims of the ID token (and userinfo); `sub` is always a non-empty string. */
export type OidcClaims = Readonly<Record<string, unknown>> & { readonly sub: string };

/** Why an OIDC sign-in was refused (audited as `admin.signin_failed` `reason`). */
export type OidcFailureReason =
  /** The callback's state does not match the one the browser started with (or there was none). */
  | 'state_mismatch'
  /** The provider answered the callback with an error (`error`, e.g. `access_denied`). */
  | 'provider_error'
  /** The token endpoint refused the code (`invalid_grant`: spent, expired, wrong verifier). */
  | 'code_rejected'
  /** The ID token failed validation (signature, issuer, audience, nonce, expiry) or was missing. */
  | 'id_token_invalid'
  /** A claim the console needs is missing or malformed. */
  | 'claims_invalid';
