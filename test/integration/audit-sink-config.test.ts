import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredAuditSinks } from '../../src/config/audit-sinks-schema.js';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';
import { REDACTED, redactConfig } from '../../src/config/redact-config.js';

const dir = mkdtempSync(join(tmpdir(), 'unlatch-sinkcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 's'.repeat(40);
const hook = (extra: Record<string, unknown> = {}) => ({ type: 'webhook', name: 'hook', url: 'https://siem.example.org/in', keys: [{ id: 'k1', secret: SECRET }], ...extra });
const load = (audit: Record<string, unknown>) => validateConfig({ mode: 'dev', dataDir: dir, audit }, dir, {});

describe('audit.sinks configuration', () => {
  it('keeps audit.exportFile working as the JSON-lines sink "file", beside listed sinks', () => {
    const config = load({ exportFile: join(dir, 'audit.jsonl'), sinks: [hook()] });
    expect(configuredAuditSinks(config.audit).map((s) => [s.type, s.name])).toEqual([['jsonl', 'file'], ['webhook', 'hook']]);
    const webhook = config.audit.sinks[0]!;
    expect(webhook).toMatchObject({ format: 'cloudevents', timeoutMs: 5000, headers: {} });
  });

  it('reads webhook keys from files (secretFile) and redacts them', () => {
    writeFileSync(join(dir, 'k1'), `${SECRET}\n`, { mode: 0o600 });
    const config = load({ sinks: [hook({ keys: [{ id: 'k1', secretFile: join(dir, 'k1') }] })] });
    const sink = config.audit.sinks[0]!;
    expect(sink.type === 'webhook' && sink.keys[0]!.secret).toBe(SECRET);
    expect(JSON.stringify(redactConfig(config))).not.toContain(SECRET);
    expect(JSON.stringify(redactConfig(config))).toContain(REDACTED);
  });

  it('reads the Authorization header (a Splunk HEC token) from a file and redacts it', () => {
    writeFileSync(join(dir, 'hec'), 'Splunk 0000-hec-token-1111\n', { mode: 0o600 });
    const config = load({ sinks: [hook({ format: 'splunk-hec', headers: { AuthorizationFile: join(dir, 'hec') } })] });
    const sink = config.audit.sinks[0]!;
    expect(sink.type === 'webhook' && sink.headers).toEqual({ Authorization: 'Splunk 0000-hec-token-1111' });
    expect(JSON.stringify(redactConfig(config))).not.toContain('hec-token');
  });

  it.each([
    ['plain http', { sinks: [hook({ url: 'http://siem.example.org/in' })] }],
    ['a short key', { sinks: [hook({ keys: [{ id: 'k1', secret: 'short' }] })] }],
    ['no key', { sinks: [hook({ keys: [] })] }],
    ['duplicate names', { sinks: [hook(), hook()] }],
    ['exportFile beside a sink named file', { exportFile: join(dir, 'a.jsonl'), sinks: [{ type: 'jsonl', name: 'file', path: join(dir, 'b.jsonl') }] }],
    ['an unknown type', { sinks: [{ type: 'kafka', name: 'k' }] }],
    ['a name that is not a label', { sinks: [{ type: 'jsonl', name: 'Bad Name', path: join(dir, 'c.jsonl') }] }],
    ['an unknown syslog transport', { sinks: [{ type: 'syslog', name: 's', host: 'h', transport: 'tcp' }] }],
  ])('refuses %s with a readable error', (_why, audit) => {
    expect(() => load(audit)).toThrow(ConfigError);
  });
});
