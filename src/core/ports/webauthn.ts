/**
 * The WebAuthn ceremonies (W3C Web Authentication Level 2/3), behind a port so core never imports the
 * library. The adapter (`src/adapters/webauthn/simplewebauthn-ceremonies.ts`) uses `@simplewebauthn/server`.
 *
 * JSON shapes are those of the WebAuthn JSON serialization (`PublicKeyCredentialCreationOptionsJSON`,
 * `RegistrationResponseJSON`, …): binary fields are base64url strings. Core treats them as opaque
 * records; the HTTP layer validates their outer shape and the adapter every byte.
 */

/** `PublicKeyCredentialCreationOptionsJSON` / `PublicKeyCredentialRequestOptionsJSON`, as sent to the browser. */
export type WebAuthnOptionsJson = Record<string, unknown>;

/** `RegistrationResponseJSON` or `AuthenticationResponseJSON`, as the browser returns it. */
export type WebAuthnResponseJson = Record<string, unknown>;

/** A credential reference for `excludeCredentials` / `allowCredentials`. */
export interface CredentialDescriptor {
  /** Credential id, base64url. */
  id: string;
  transports?: string[];
}

/** The relying party: who the credentials are for and where ceremonies may happen. */
export interface RelyingParty {
  /** RP ID: a registrable domain suffix of every origin's host (`reset.example.org` or `example.org`). */
  id: string;
  name: string;
  /** Exact origins (`https://reset.example.org`) the browser may report in clientDataJSON. */
  origins: string[];
  /** `required`: the authenticator must verify the person (PIN, biometrics), not only their presence. */
  userVerification: 'required' | 'preferred';
}

/** A credential as stored after registration (public material only). */
export interface StoredCredential {
  /** base64url. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** Signature counter at registration. */
  counter: number;
  transports: string[];
  /** The authenticator model's AAGUID, when it sent one other than all zeroes. */
  aaguid?: string;
}

export type RegistrationVerdict = { ok: true; credential: StoredCredential } | { ok: false; reason: string };

export type AuthenticationVerdict = { ok: true; newCounter: number; userVerified: boolean } | { ok: false; reason: string };

export interface WebAuthnCeremonies {
  registrationOptions(input: {
    rp: RelyingParty;
    challenge: string;
    /** Opaque, stable per person, no personal data (WebAuthn `user.id`, returned as `userHandle`). */
    userHandle: string;
    userName: string;
    userDisplayName: string;
    excludeCredentials: CredentialDescriptor[];
    timeoutMs: number;
  }): Promise<WebAuthnOptionsJson>;

  verifyRegistration(input: { rp: RelyingParty; response: WebAuthnResponseJson; expectedChallenge: string }): Promise<RegistrationVerdict>;

  authenticationOptions(input: { rp: RelyingParty; challenge: string; allowCredentials: CredentialDescriptor[]; timeoutMs: number }): Promise<WebAuthnOptionsJson>;

  /**
   * Checks an assertion: type, challenge, origin, RP ID hash, user presence, user verification (when the
   * RP requires it) and the signature with the stored public key. The signature counter is NOT judged
   * here: the caller compares it, after the signature proved the assertion genuine (so a forged assertion
   * cannot raise a false "cloned authenticator" alarm).
   */
  verifyAuthentication(input: { rp: RelyingParty; response: WebAuthnResponseJson; expectedChallenge: string; credential: { credentialId: string; publicKey: string } }): Promise<AuthenticationVerdict>;

  /** About the work of {@link verifyAuthentication} for a credential that does not exist (decoys). */
  spendEquivalentTime(response: WebAuthnResponseJson): Promise<void>;
}
