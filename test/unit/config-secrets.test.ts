import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

/** A temp folder with an optional unlatch.yaml and secret files; `load` reads it with the given environment. */
function workspace(config?: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-secrets-'));
  if (config) writeFileSync(join(dir, 'unlatch.yaml'), stringify(config));
  return {
    dir,
    secret(name: string, content: string) {
      writeFileSync(join(dir, name), content, { mode: 0o600 });
      return join(dir, name);
    },
    load: (env: Record<string, string> = {}) => loadConfig({ env, cwd: dir }),
  };
}

const KEY_A = 'a'.repeat(64);
const KEY_B = Buffer.alloc(32, 7).toString('base64');

const twilio = (extra: Record<string, unknown>) => ({ sms: { providers: [{ type: 'twilio', accountSid: 'AC123', from: '+15550100000', ...extra }] } });

describe('secrets from files and environment variables', () => {
  it('reads every UNLATCH_* variable from UNLATCH_*_FILE, without the trailing line break', () => {
    const ws = workspace({ mail: { transport: 'smtp', smtp: { host: 'mail.example.org' } } });
    const config = ws.load({
      UNLATCH_DATABASE_URL_FILE: ws.secret('db-url', 'postgres://unlatch:s3cret@db:5432/unlatch\n'),
      UNLATCH_SMTP_PASSWORD_FILE: ws.secret('smtp', 'smtp-pass\n'),
      UNLATCH_REDIS_URL_FILE: ws.secret('redis', 'redis://:r3dis@cache:6379/0'),
      UNLATCH_PORT_FILE: ws.secret('port', '9091\n'),
    });
    expect(config.database.url).toBe('postgres://unlatch:s3cret@db:5432/unlatch');
    expect(config.mail.smtp?.password).toBe('smtp-pass');
    expect(config.rateLimits.redis.url).toBe('redis://:r3dis@cache:6379/0');
    expect(config.server.port).toBe(9091);
  });

  it('takes a file path relative to the working directory', () => {
    const ws = workspace();
    ws.secret('db-url', 'postgres://u@db/x\n');
    expect(ws.load({ UNLATCH_DATABASE_URL_FILE: 'db-url' }).database.url).toBe('postgres://u@db/x');
  });

  it('refuses a variable set both directly and as _FILE, naming both and not the value', () => {
    const ws = workspace();
    const env = { UNLATCH_DATABASE_URL: 'postgres://u:topsecret@db/x', UNLATCH_DATABASE_URL_FILE: ws.secret('db', 'postgres://u@db/y') };
    expect(() => ws.load(env)).toThrow(ConfigError);
    expect(() => ws.load(env)).toThrow('config: database.url: set only one of UNLATCH_DATABASE_URL, UNLATCH_DATABASE_URL_FILE');
  });

  it('names the variable and the file when the file is missing or empty, never a value', () => {
    const ws = workspace();
    expect(() => ws.load({ UNLATCH_SMTP_PASSWORD_FILE: join(ws.dir, 'absent') })).toThrow(/^config: mail\.smtp\.password \(UNLATCH_SMTP_PASSWORD_FILE\): cannot read .*absent \(ENOENT\)$/);
    expect(() => ws.load({ UNLATCH_SMTP_PASSWORD_FILE: ws.secret('empty', '\n') })).toThrow(/empty$/);
  });

  it('takes one master key from UNLATCH_SECRET_KEY_FILE and a key ring from UNLATCH_SECRETS_KEYS(_FILE)', () => {
    const ws = workspace();
    expect(ws.load({ UNLATCH_SECRET_KEY_FILE: ws.secret('key', `${KEY_A}\n`) }).secrets.keys).toEqual([{ id: 'env', secret: KEY_A }]);
    const ring = ws.secret('ring', `# newest first\nk2027:${KEY_B}\nk2026:${KEY_A}\n`);
    expect(ws.load({ UNLATCH_SECRETS_KEYS_FILE: ring }).secrets.keys).toEqual([
      { id: 'k2027', secret: KEY_B },
      { id: 'k2026', secret: KEY_A },
    ]);
    expect(ws.load({ UNLATCH_SECRETS_KEYS: `k2:${KEY_B},k1:${KEY_A}` }).secrets.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('refuses a key ring entry without an id, without echoing it', () => {
    const ws = workspace();
    let message = '';
    try {
      ws.load({ UNLATCH_SECRETS_KEYS: KEY_B });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('config: secrets.keys (UNLATCH_SECRETS_KEYS): entry 1 is not id:secret');
    expect(() => ws.load({ UNLATCH_SECRET_KEY: KEY_A, UNLATCH_SECRETS_KEYS: `k:${KEY_B}` })).toThrow(/set only one of UNLATCH_SECRET_KEY, UNLATCH_SECRETS_KEYS/);
  });

  it('reads SMS provider credentials from <key>File and <key>Env in the YAML file', () => {
    const ws = workspace();
    const tokenFile = ws.secret('twilio-token', 'tw-token\n');
    const file = workspace({
      sms: {
        providers: [
          { type: 'twilio', accountSid: 'AC123', from: '+15550100000', authTokenFile: tokenFile },
          { type: 'webhook', url: 'https://sms.example.org/send', tokenEnv: 'GW_TOKEN', signingSecretFile: ws.secret('sig', `${'s'.repeat(40)}\n`) },
        ],
      },
    });
    const [twilioProvider, webhook] = file.load({ GW_TOKEN: 'gw-bearer' }).sms.providers;
    expect(twilioProvider).toMatchObject({ type: 'twilio', authToken: 'tw-token' });
    expect(twilioProvider).not.toHaveProperty('authTokenFile');
    expect(webhook).toMatchObject({ type: 'webhook', token: 'gw-bearer', signingSecret: 's'.repeat(40) });
    expect(webhook).not.toHaveProperty('tokenEnv');
  });

  it('still validates a secret read from a file (a short signing secret is refused under its own key)', () => {
    const ws = workspace();
    const file = workspace({ sms: { providers: [{ type: 'webhook', url: 'https://sms.example.org/send', signingSecretFile: ws.secret('sig', 'short') }] } });
    expect(() => file.load()).toThrow(/^config: sms\.providers\.0\.signingSecret: at least 32 characters$/);
  });

  it('refuses two sources for one secret, and an unset variable, naming the key', () => {
    const ws = workspace();
    const both = workspace(twilio({ authToken: 'inline', authTokenFile: ws.secret('t', 'x') }));
    expect(() => both.load()).toThrow('config: sms.providers.0.authTokenFile: set only one of authToken, authTokenFile, authTokenEnv');
    const unset = workspace(twilio({ authTokenEnv: 'TWILIO_TOKEN' }));
    expect(() => unset.load()).toThrow('config: sms.providers.0.authTokenEnv: the environment variable TWILIO_TOKEN is not set');
    expect(unset.load({ TWILIO_TOKEN: 'from-env' }).sms.providers[0]).toMatchObject({ authToken: 'from-env' });
  });

  it('reads the SMTP password, master keys and store URLs from files named in the YAML file', () => {
    const ws = workspace();
    const file = workspace({
      database: { urlFile: ws.secret('db', 'postgres://u:p@db/unlatch\n') },
      rateLimits: { store: 'redis', redis: { urlEnv: 'MY_REDIS' } },
      mail: { transport: 'smtp', smtp: { host: 'mail.example.org', user: 'unlatch', passwordFile: ws.secret('smtp', 'pw\n') } },
      secrets: { keys: [{ id: 'k1', secretFile: ws.secret('k1', `${KEY_A}\n`) }, { id: 'k0', secretEnv: 'OLD_KEY' }] },
    });
    const config = file.load({ OLD_KEY: KEY_B, MY_REDIS: 'redis://:p@cache:6379' });
    expect(config.database.url).toBe('postgres://u:p@db/unlatch');
    expect(config.rateLimits.redis.url).toBe('redis://:p@cache:6379');
    expect(config.mail.smtp?.password).toBe('pw');
    expect(config.secrets.keys).toEqual([{ id: 'k1', secret: KEY_A }, { id: 'k0', secret: KEY_B }]);
  });

});
