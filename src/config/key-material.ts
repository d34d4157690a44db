import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MasterKey } from '../core/crypto/key-ring.js';
import { ConfigError } from './config-error.js';
import type { UnlatchConfig } from './schema.js';

/** Decodes a configured secret: hex (64+ chars) or base64; at least 32 bytes either way. */
export function decodeSecret(id: string, text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length < 32) throw new ConfigError(`config: secrets.keys (${id}): must decode to at least 32 bytes`);
  return bytes;
}

/**
 * The key ring's keys. Configured keys win; in dev mode without any, a random key is made once and kept in
 * `<dataDir>/secret.key` (mode 0600), so codes and sealed messages survive a restart.
 */
export function resolveMasterKeys(config: UnlatchConfig): MasterKey[] {
  if (config.secrets.keys.length > 0) return config.secrets.keys.map((k) => ({ id: k.id, secret: decodeSecret(k.id, k.secret) }));
  if (config.mode === 'production') throw new ConfigError('config: secrets.keys: production mode needs a secret key');
  const path = join(config.dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  }
  return [{ id: 'dev', secret: decodeSecret('dev', readFileSync(path, 'utf8')) }];
}
