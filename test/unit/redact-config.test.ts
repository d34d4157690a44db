import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateConfig } from '../../src/config/load-config.js';
import { REDACTED, redactConfig } from '../../src/config/redact-config.js';
import { SECRET_KEY_PATHS } from '../../src/config/secret-sources.js';

/** Distinct, searchable secret values: none may survive redaction, in any form. */
const SECRETS = {
  dbPassword: 'pg-Secret-7f3a',
  redisPassword: 'redis-Secret-91c2',
  smtpPassword: 'smtp-Secret-0b44',
  key1: 'k1-secret-material-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  key2: 'k2-secret-material-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  twilioToken: 'twilio-Secret-5e5e',
  webhookToken: 'webhook-Secret-6d6d',
  signingSecret: 'signing-Secret-cccccccccccccccccccccccccccc',
  oidcSecret: 'oidc-Secret-4a4a',
  bindPassword: 'bind-Secret-3b3b',
  adBindPassword: 'ad-bind-Secret-2c2c',
  sslKeyParam: 'sslkey-Secret-1d1d',
};

function fullConfig() {
  return validateConfig({
    mode: 'dev',
    dataDir: '/tmp/unlatch-redact-test',
    database: { url: `postgres://unlatch:${SECRETS.dbPassword}@db.internal:5432/unlatch?sslpassword=${SECRETS.sslKeyParam}` },
    rateLimits: { store: 'redis', redis: { url: `redis://:${SECRETS.redisPassword}@cache.internal:6379/0` } },
    secrets: { keys: [{ id: 'k2', secret: SECRETS.key2 }, { id: 'k1', secret: SECRETS.key1 }] },
    mail: { transport: 'smtp', smtp: { host: 'smtp.internal', user: 'mailer', password: SECRETS.smtpPassword } },
    sms: {
      providers: [
        { type: 'twilio', accountSid: 'AC0123', authToken: SECRETS.twilioToken, from: '+15005550006' },
        { type: 'webhook', url: 'https://sms.example.com/send', token: SECRETS.webhookToken, signingSecret: SECRETS.signingSecret },
      ],
    },
    admin: { oidc: { issuer: 'https://idp.example.com', clientId: 'unlatch', clientSecret: SECRETS.oidcSecret } },
    tenants: [
      {
        id: 'acme',
        name: 'Acme',
        directories: [
          { type: 'ldap', url: 'ldaps://ldap.acme.example', bindDn: 'cn=unlatch,dc=acme', bindPassword: SECRETS.bindPassword, baseDn: 'dc=acme' },
          { type: 'active_directory', url: 'ldaps://dc1.acme.example', bindDn: 'CN=svc,DC=acme', bindPassword: SECRETS.adBindPassword, baseDn: 'DC=acme' },
        ],
      },
    ],
  } as Record<string, unknown>, '/', {});
}

/** Every fragment a secret could leak through: itself, URL-encoded, and base64 of it. */
function leaks(text: string): string[] {
  return Object.values(SECRETS).filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)) || text.includes(Buffer.from(s).toString('base64')));
}

describe('redactConfig', () => {
  it('leaves no secret value in the JSON or the YAML of a configuration holding every kind of secret', () => {
    const config = fullConfig();
    // The input holds them all (else the test would prove nothing).
    expect(leaks(JSON.stringify(config)).sort()).toEqual(Object.values(SECRETS).sort());
    const redacted = redactConfig(config);
    expect(leaks(JSON.stringify(redacted))).toEqual([]);
    expect(leaks(stringify(redacted))).toEqual([]);
  });

  it('keeps what an operator needs: hosts, users, key ids, directory names, the rest of the settings', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a deep walk over the redacted copy
    const redacted = redactConfig(fullConfig()) as Record<string, any>;
    expect(redacted.database.url).toBe(`postgres://unlatch:${REDACTED}@db.internal:5432/unlatch?sslpassword=${REDACTED}`);
    expect(redacted.rateLimits.redis.url).toBe(`redis://:${REDACTED}@cache.internal:6379/0`);
    expect(redacted.mail.smtp).toMatchObject({ host: 'smtp.internal', user: 'mailer', password: REDACTED });
    expect(redacted.secrets.keys).toEqual([{ id: 'k2', secret: REDACTED }, { id: 'k1', secret: REDACTED }]);
    expect(redacted.sms.providers[0]).toMatchObject({ accountSid: 'AC0123', authToken: REDACTED });
    expect(redacted.sms.providers[1]).toMatchObject({ url: 'https://sms.example.com/send', token: REDACTED, signingSecret: REDACTED });
    expect(redacted.admin.oidc).toMatchObject({ clientId: 'unlatch', clientSecret: REDACTED });
    expect(redacted.tenants[0].directories[0]).toMatchObject({ bindDn: 'cn=unlatch,dc=acme', bindPassword: REDACTED, baseDn: 'dc=acme' });
    expect(redacted.tenants[0].directories[1].bindPassword).toBe(REDACTED);
    expect(redacted.password).toEqual(fullConfig().password);
  });

  it('never changes the configuration it was given', () => {
    const config = fullConfig();
    const before = JSON.stringify(config);
    redactConfig(config);
    expect(JSON.stringify(config)).toBe(before);
  });

  it.each(SECRET_KEY_PATHS)('hides a value at %s, whatever its shape', (path) => {
    const marker = 'Marker-Secret-9z9z';
    // The path built by hand: `*` becomes a one-element array; the leaf holds a plain value and a URL with it.
    for (const value of [marker, `https://user:${marker}@host.example/x`, `weird://${marker}@`]) {
      const root: Record<string, unknown> = {};
      let node: Record<string, unknown> = root;
      const segments = path.split('.');
      segments.forEach((segment, i) => {
        const last = i === segments.length - 1;
        const next = segments[i + 1];
        if (segment === '*') return;
        if (last) node[segment] = value;
        else if (next === '*') {
          const child: Record<string, unknown> = {};
          node[segment] = [child];
          node = child;
        } else {
          const child: Record<string, unknown> = {};
          node[segment] = child;
          node = child;
        }
      });
      expect(JSON.stringify(redactConfig(root))).not.toContain(marker);
    }
  });

  it('hides URL passwords and secret-named strings anywhere, even under keys nobody listed', () => {
    const redacted = JSON.stringify(redactConfig({ future: { webhook: { url: 'https://hook:p4ss-XYZ@hooks.example/x', apiKey: 'api-XYZ', privateKey: 'pk-XYZ' } }, plain: 'visible' }));
    expect(redacted).not.toMatch(/p4ss-XYZ|api-XYZ|pk-XYZ/);
    expect(redacted).toContain('visible');
    expect(redacted).toContain('hooks.example');
  });
});
