import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A tiny software authenticator for tests without a browser: one ES256 (P-256) credential, answering
 * WebAuthn creation and request options with the JSON a browser would send (`RegistrationResponseJSON`,
 * `AuthenticationResponseJSON`). It builds what a real authenticator and browser build:
 *
 * - clientDataJSON: `{ type, challenge, origin, crossOrigin }` (the browser's part);
 * - authenticatorData: SHA-256(rpId) ‖ flags ‖ signCount (4 bytes, big-endian) ‖ for registration the
 *   attested credential data: AAGUID (16) ‖ id length (2) ‖ id ‖ COSE public key (CBOR);
 * - registration: a `none` attestation object, CBOR `{ fmt: "none", attStmt: {}, authData }`;
 * - authentication: an ECDSA-SHA256 signature (DER) over authenticatorData ‖ SHA-256(clientDataJSON).
 *
 * Every field a test may want wrong can be overridden: origin, RP ID, user verification, counter, type.
 */
export class SoftAuthenticator {
  readonly credentialId: Buffer = randomBytes(32);
  readonly userHandles = new Map<string, string>();
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** The signature counter; `null` makes it an authenticator that always reports 0 (like many synced passkeys). */
  counter: number | null = 0;

  constructor(readonly origin: string, readonly rpId: string) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  /** Answers `PublicKeyCredentialCreationOptionsJSON`. */
  create(options: { challenge: string; user?: { id?: string } }, overrides: Overrides = {}): Record<string, unknown> {
    if (options.user?.id) this.userHandles.set(this.rpId, options.user.id);
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);
    const jwk = this.publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<number, unknown>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const length = Buffer.alloc(2);
    length.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, this.credentialId, coseKey]);
    const authData = Buffer.concat([this.authData(overrides, FLAG_AT), attested]);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: clientDataJSON.toString('base64url'), attestationObject: attestationObject.toString('base64url'), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers `PublicKeyCredentialRequestOptionsJSON` (the counter goes up first, unless overridden). */
  get(options: { challenge: string }, overrides: Overrides = {}): Record<string, unknown> {
    if (this.counter !== null && overrides.counter === undefined) this.counter += 1;
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    const authData = this.authData(overrides, 0);
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]), this.privateKey);
    const userHandle = overrides.userHandle ?? this.userHandles.get(this.rpId);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private clientData(type: string, challenge: string, overrides: Overrides): Buffer {
    return Buffer.from(JSON.stringify({ type: overrides.type ?? type, challenge, origin: overrides.origin ?? this.origin, crossOrigin: false }), 'utf8');
  }

  private authData(overrides: Overrides, extraFlags: number): Buffer {
    const flags = (overrides.userPresent === false ? 0 : FLAG_UP) | (overrides.userVerified === false ? 0 : FLAG_UV) | extraFlags;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(overrides.counter ?? this.counter ?? 0);
    return Buffer.concat([createHash('sha256').update(overrides.rpId ?? this.rpId, 'utf8').digest(), Buffer.from([flags]), count]);
  }
}

export interface Overrides {
  origin?: string;
  rpId?: string;
  type?: string;
  userPresent?: boolean;
  userVerified?: boolean;
  /** Report this signature counter (the internal one is left alone). */
  counter?: number;
  userHandle?: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/**
 * A minimal CBOR encoder (RFC 8949) for what a COSE key and a `none` attestation object need: integers,
 * byte strings, text strings and maps. Nothing else is supported.
 */
export function cbor(value: unknown): Buffer {
  if (typeof value === 'number' && Number.isInteger(value)) return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: unsupported value ${String(value)}`);
}

/** A CBOR item head: major type in the top 3 bits, the argument inline or in 1, 2 or 4 following bytes. */
function head(major: number, argument: number): Buffer {
  if (argument < 24) return Buffer.from([(major << 5) | argument]);
  if (argument < 0x100) return Buffer.from([(major << 5) | 24, argument]);
  if (argument < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(argument, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(argument, 1);
  return b;
}
