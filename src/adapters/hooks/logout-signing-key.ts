import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { BackchannelHookConfig } from '../../config/hooks-schema.js';
import { ConfigError } from '../../config/config-error.js';

/** A back-channel logout hook's signing key and the public JWK relying parties verify its tokens with. */
export interface LogoutSigningKey {
  alg: BackchannelHookConfig['alg'];
  kid: string;
  privateKey: KeyObject;
  /** The public half, with `kid`, `alg` and `use: sig` (served in the hooks' JWKS). */
  publicJwk: JWK;
}

/** Which key type each algorithm signs with. */
const KEY_TYPE: Readonly<Record<BackchannelHookConfig['alg'], (key: KeyObject) => boolean>> = {
  RS256: (key) => key.asymmetricKeyType === 'rsa',
  PS256: (key) => key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss',
  ES256: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  EdDSA: (key) => key.asymmetricKeyType === 'ed25519',
};

/**
 * Reads `signingKeyPath` (a PEM private key, or a private JWK as JSON) at start: a missing file, a public
 * key or one that does not fit `alg` stops the process with a message naming the hook, never the key.
 */
export async function loadLogoutSigningKey(hook: Pick<BackchannelHookConfig, 'name' | 'signingKeyPath' | 'alg' | 'keyId'>): Promise<LogoutSigningKey> {
  const where = `config: hooks.${hook.name}.signingKeyPath`;
  let privateKey: KeyObject;
  try {
    const text = readFileSync(hook.signingKeyPath, 'utf8');
    privateKey = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch (error) {
    throw new ConfigError(`${where}: cannot read a private key from ${hook.signingKeyPath} (${(error as NodeJS.ErrnoException).code ?? 'not a private key'})`);
  }
  if (!KEY_TYPE[hook.alg](privateKey)) throw new ConfigError(`${where}: a ${privateKey.asymmetricKeyType ?? 'unknown'} key cannot sign ${hook.alg}`);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = hook.keyId ?? (await calculateJwkThumbprint(jwk, 'sha256'));
  return { alg: hook.alg, kid, privateKey, publicJwk: { ...jwk, kid, alg: hook.alg, use: 'sig' } };
}

/** The JWKS document of the configured back-channel logout keys (`/.well-known/unlatch-hooks-jwks.json`). */
export function hooksJwks(keys: readonly LogoutSigningKey[]): { keys: JWK[] } {
  // Two hooks may share one key file: list each key once.
  const byKid = new Map(keys.map((key) => [key.kid, key.publicJwk]));
  return { keys: [...byKid.values()] };
}
