import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeSecret } from '../../config/key-material.js';
import { ConfigError } from '../../config/load-config.js';
import { rateLimitStoreOf } from '../../config/rate-limit-settings.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { providerNames } from '../../config/sms-schema.js';
import { relyingPartyOf } from '../../config/webauthn.js';
import { stringOption, type Command } from '../command.js';
import { describeDatabaseUrl } from '../output.js';

/**
 * `unlatch config validate`: loads the configuration exactly as `serve` would (file, `UNLATCH_*` variables,
 * secrets from files), runs the checks `serve` runs before it opens anything, and prints a one-line summary.
 * Opens no database and no port, so it fits a CI job, an init container or `ExecStartPre=`.
 */
export const configValidateCommand: Command = {
  name: 'config validate',
  summary: 'Check the configuration without starting anything; prints a summary or the first problem.',
  synopsis: '[--config <path>]',
  description: 'Exit code 0 when the configuration is valid, 2 with one line naming the key when it is not. Secrets are never printed.',
  options: {},
  async run({ io, values, config }) {
    const cfg = config();
    checkBeyondSchema(cfg, io.cwd);
    const path = stringOption(values, 'config');
    const source = path ? resolve(io.cwd, path) : existsSync(resolve(io.cwd, 'unlatch.yaml')) ? resolve(io.cwd, 'unlatch.yaml') : 'no file, defaults and environment';
    io.stdout.write(`config OK (${source}): ${summary(cfg)}\n`);
    return 0;
  },
};

/** What `serve` would refuse at start although the schema accepted it: keys that do not decode, a bad RP ID, a missing file. */
function checkBeyondSchema(cfg: UnlatchConfig, cwd: string): void {
  for (const key of cfg.secrets.keys) decodeSecret(key.id, key.secret);
  relyingPartyOf(cfg);
  const blocklist = cfg.password.blocklistFile;
  if (blocklist !== undefined && !existsSync(resolve(cwd, blocklist))) throw new ConfigError(`config: password.blocklistFile: file not found: ${resolve(cwd, blocklist)}`);
}

/** One line an operator can check at a glance; the database URL with its password masked, nothing secret. */
function summary(cfg: UnlatchConfig): string {
  const tenants = `${cfg.tenants.length} tenant${cfg.tenants.length === 1 ? '' : 's'} (${cfg.tenants.map((t) => t.id).join(', ')})`;
  const mail = cfg.mail.transport === 'smtp' && cfg.mail.smtp ? `smtp ${cfg.mail.smtp.host}:${cfg.mail.smtp.port}` : cfg.mail.transport;
  const sms = cfg.sms.providers.length === 0 ? 'off' : providerNames(cfg.sms.providers).join(', ');
  const keys = cfg.secrets.keys.length === 0 ? 'generated dev key' : `${cfg.secrets.keys.length} (newest ${cfg.secrets.keys[0]!.id})`;
  return [
    `mode ${cfg.mode}`,
    tenants,
    `database ${describeDatabaseUrl(cfg.database.url!)}`,
    `rate limits ${rateLimitStoreOf(cfg)}`,
    `mail ${mail}`,
    `sms ${sms}`,
    `keys ${keys}`,
    `public URL ${cfg.publicUrl}`,
  ].join(', ');
}
