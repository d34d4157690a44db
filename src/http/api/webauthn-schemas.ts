/**
 * JSON schemas of the WebAuthn JSON serialization as browsers (and `@simplewebauthn/browser`) send it.
 * Only the outer shape is checked here — strings where strings belong, lengths bounded, unknown members
 * refused (except inside `clientExtensionResults`, whose members vary by extension); every byte is
 * verified by the ceremony in core. Binary fields are base64url.
 */

const b64url = (maxLength: number, description?: string) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: '^[A-Za-z0-9_-]+={0,2}$',
  ...(description ? { description } : {}),
});

/** Credential ids are at most 1023 bytes (WebAuthn), 1364 characters of base64url. */
const credentialId = b64url(1400, 'Credential id, base64url.');

const common = {
  id: credentialId,
  rawId: credentialId,
  type: { type: 'string', minLength: 1, maxLength: 16, enum: ['public-key'] },
  authenticatorAttachment: { type: 'string', minLength: 1, maxLength: 16, enum: ['platform', 'cross-platform'] },
  clientExtensionResults: { type: 'object', maxProperties: 16, description: 'Extension outputs, as the browser reports them.' },
};

/** `RegistrationResponseJSON`: what `navigator.credentials.create()` returned, serialized. */
export const registrationResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'rawId', 'type', 'response'],
  description: 'RegistrationResponseJSON (W3C WebAuthn L3 `PublicKeyCredential.toJSON()`).',
  properties: {
    ...common,
    response: {
      type: 'object',
      additionalProperties: false,
      required: ['clientDataJSON', 'attestationObject'],
      properties: {
        clientDataJSON: b64url(4096),
        attestationObject: b64url(12_000),
        authenticatorData: b64url(8192),
        transports: { type: 'array', maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 32 } },
        publicKeyAlgorithm: { type: 'integer' },
        // Post-quantum keys are large: ML-DSA-87's public key is 2,592 bytes (3,456 characters).
        publicKey: b64url(4096),
      },
    },
  },
} as const;

/** `AuthenticationResponseJSON`: what `navigator.credentials.get()` returned, serialized. */
export const authenticationResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'rawId', 'type', 'response'],
  description: 'AuthenticationResponseJSON (W3C WebAuthn L3 `PublicKeyCredential.toJSON()`).',
  properties: {
    ...common,
    response: {
      type: 'object',
      additionalProperties: false,
      required: ['clientDataJSON', 'authenticatorData', 'signature'],
      properties: {
        clientDataJSON: b64url(4096),
        authenticatorData: b64url(8192),
        // ML-DSA signatures (offered where the runtime's WebCrypto has them, as on Node 24) are 2,420–4,627 bytes.
        signature: b64url(8192),
        userHandle: b64url(128),
      },
    },
  },
} as const;

/**
 * Options for `navigator.credentials.create()` / `.get()` (`PublicKeyCredential*OptionsJSON`): open, so
 * the serializer never drops a member the library adds.
 */
export function optionsSchema(description: string, required: readonly string[]): Record<string, unknown> {
  return { type: 'object', additionalProperties: true, required: [...required], properties: { challenge: { type: 'string' } }, description };
}
