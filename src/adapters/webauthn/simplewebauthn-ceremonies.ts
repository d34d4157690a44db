import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { loadOnce } from '../load-once.js';
import type {
  AuthenticationVerdict,
  CredentialDescriptor,
  RegistrationVerdict,
  RelyingParty,
  WebAuthnCeremonies,
  WebAuthnOptionsJson,
  WebAuthnResponseJson,
} from '../../core/ports/webauthn.js';

/** A P-256 key no credential uses: decoy checks verify against it so they cost what a real check costs. */
const DUMMY_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const NO_AAGUID = '00000000-0000-0000-0000-000000000000';

/**
 * The library (with its certificate and CBOR parsers, ~5 MB of a node's heap) is loaded by the first ceremony,
 * not at start: many nodes never see a passkey, and decoys never need it.
 */
const simpleWebAuthn = loadOnce(() => import('@simplewebauthn/server'));

/**
 * {@link WebAuthnCeremonies} with `@simplewebauthn/server` (v14). Attestation is `none`: Unlatch does not
 * decide which authenticator models people may use, and a direct attestation would hand it device
 * identifiers it has no use for. Resident keys are preferred (passkeys), user verification per the RP.
 */
export class SimpleWebAuthnCeremonies implements WebAuthnCeremonies {
  async registrationOptions(input: {
    rp: RelyingParty;
    challenge: string;
    userHandle: string;
    userName: string;
    userDisplayName: string;
    excludeCredentials: CredentialDescriptor[];
    timeoutMs: number;
  }): Promise<WebAuthnOptionsJson> {
    const { generateRegistrationOptions } = await simpleWebAuthn();
    const options = await generateRegistrationOptions({
      rpName: input.rp.name,
      rpID: input.rp.id,
      userName: input.userName,
      userDisplayName: input.userDisplayName,
      userID: new Uint8Array(Buffer.from(input.userHandle, 'base64url')),
      // The challenge comes from core (and its store): the library would otherwise make one we never saw.
      challenge: new Uint8Array(Buffer.from(input.challenge, 'base64url')),
      timeout: input.timeoutMs,
      attestationType: 'none',
      excludeCredentials: input.excludeCredentials.map(descriptor),
      authenticatorSelection: { residentKey: 'preferred', userVerification: input.rp.userVerification },
    });
    return options as unknown as WebAuthnOptionsJson;
  }

  async verifyRegistration(input: { rp: RelyingParty; response: WebAuthnResponseJson; expectedChallenge: string }): Promise<RegistrationVerdict> {
    const { verifyRegistrationResponse } = await simpleWebAuthn();
    try {
      const result = await verifyRegistrationResponse({
        response: input.response as unknown as RegistrationResponseJSON,
        expectedChallenge: input.expectedChallenge,
        expectedOrigin: input.rp.origins,
        expectedRPID: input.rp.id,
        requireUserPresence: true,
        requireUserVerification: input.rp.userVerification === 'required',
      });
      if (!result.verified) return { ok: false, reason: 'not_verified' };
      const info = result.registrationInfo;
      return {
        ok: true,
        credential: {
          credentialId: info.credential.id,
          publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: info.credential.transports ?? [],
          ...(info.aaguid && info.aaguid !== NO_AAGUID ? { aaguid: info.aaguid } : {}),
        },
      };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  }

  async authenticationOptions(input: { rp: RelyingParty; challenge: string; allowCredentials: CredentialDescriptor[]; timeoutMs: number }): Promise<WebAuthnOptionsJson> {
    const { generateAuthenticationOptions } = await simpleWebAuthn();
    const options = await generateAuthenticationOptions({
      rpID: input.rp.id,
      challenge: new Uint8Array(Buffer.from(input.challenge, 'base64url')),
      allowCredentials: input.allowCredentials.map(descriptor),
      userVerification: input.rp.userVerification,
      timeout: input.timeoutMs,
    });
    return options as unknown as WebAuthnOptionsJson;
  }

  async verifyAuthentication(input: {
    rp: RelyingParty;
    response: WebAuthnResponseJson;
    expectedChallenge: string;
    credential: { credentialId: string; publicKey: string };
  }): Promise<AuthenticationVerdict> {
    const { verifyAuthenticationResponse } = await simpleWebAuthn();
    try {
      const result = await verifyAuthenticationResponse({
        response: input.response as unknown as AuthenticationResponseJSON,
        expectedChallenge: input.expectedChallenge,
        expectedOrigin: input.rp.origins,
        expectedRPID: input.rp.id,
        // Counter 0 here: the library then never judges the counter; core does, after the signature holds.
        credential: { id: input.credential.credentialId, publicKey: new Uint8Array(Buffer.from(input.credential.publicKey, 'base64url')), counter: 0 },
        requireUserVerification: input.rp.userVerification === 'required',
      });
      if (!result.verified) return { ok: false, reason: 'signature' };
      return { ok: true, newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  }

  async spendEquivalentTime(response: WebAuthnResponseJson): Promise<void> {
    const inner = (response.response ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : '', 'base64url');
    const hash = createHash('sha256').update(text(inner.clientDataJSON)).digest();
    verify('sha256', Buffer.concat([text(inner.authenticatorData), hash]), DUMMY_KEY, text(inner.signature));
  }
}

function descriptor(credential: CredentialDescriptor): { id: string; transports?: string[] } {
  return credential.transports && credential.transports.length > 0 ? { id: credential.id, transports: credential.transports } : { id: credential.id };
}

/**
 * A short, stable reason for the audit log. The library's messages quote challenges and origins; the
 * audit log gets only the category.
 */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const rules: Array<[RegExp, string]> = [
    [/challenge/i, 'challenge'],
    [/top origin|cross-origin/i, 'origin'],
    [/origin/i, 'origin'],
    [/rp ?id/i, 'rp_id'],
    [/user verification/i, 'user_verification'],
    [/not present|user presence/i, 'user_presence'],
    [/response type/i, 'type'],
    [/algorithm|alg\b|pqc/i, 'algorithm'],
    [/signature/i, 'signature'],
  ];
  return rules.find(([pattern]) => pattern.test(message))?.[1] ?? 'malformed';
}
