import { describe, expect, it } from 'vitest';
import { UnlatchMetrics } from '../../src/adapters/observability/metrics.js';
import { rollupRowsOf } from '../../src/adapters/store/audit-rollup.js';
import { parseImapUrl } from '../../src/adapters/synthetic/imap-code-reader.js';
import { renderMetrics } from '../../src/adapters/synthetic/prometheus-output.js';
import { newCanaryPassword, parseTotpSeed } from '../../src/adapters/synthetic/synthetic-check.js';
import { formatSteps, StepFailure, StepTimer } from '../../src/adapters/synthetic/synthetic-steps.js';
import { CanaryAccounts, flowDetails } from '../../src/core/reset/canary-accounts.js';

describe('the synthetic check: parsing its inputs', () => {
  it('reads a base32 seed or an otpauth:// URI, and refuses anything else without echoing it', () => {
    expect(parseTotpSeed(' jbsw y3dp-ehpk 3pxp\n')).toEqual({ secret: 'JBSWY3DPEHPK3PXP', options: {} });
    expect(parseTotpSeed('otpauth://totp/Unlatch:canary?secret=JBSWY3DPEHPK3PXP&digits=8&period=60&algorithm=sha256')).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      options: { digits: 8, period: 60, algorithm: 'SHA256' },
    });
    for (const bad of ['', 'not a seed!', 'otpauth://totp/x?issuer=y', '1234']) {
      const message = parseTotpSeed(bad);
      expect(typeof message).toBe('string');
      if (bad !== '') expect(message).not.toContain(bad);
    }
  });

  it('takes imaps:// anywhere and imap:// only to loopback, never a password in the URL', () => {
    expect(parseImapUrl('imaps://canary%40acme.example@mail.example.org/Canary%20Box', 'pw')).toEqual({
      host: 'mail.example.org', port: 993, secure: true, user: 'canary@acme.example', password: 'pw', path: 'Canary Box',
    });
    expect(parseImapUrl('imap://canary@127.0.0.1:1143', 'pw')).toMatchObject({ host: '127.0.0.1', port: 1143, secure: false, path: 'INBOX' });
    expect(parseImapUrl('imap://canary@mail.example.org/INBOX', 'pw')).toMatch(/loopback/);
    expect(parseImapUrl('imaps://canary:hunter2@mail.example.org/INBOX', 'pw')).toMatch(/must not hold a password/);
    expect(parseImapUrl('imaps://mail.example.org/INBOX', 'pw')).toMatch(/must name the user/);
    expect(parseImapUrl('https://mail.example.org/', 'pw')).toMatch(/imaps:\/\//);
  });

  it('makes long random passwords with every character class', () => {
    const a = newCanaryPassword();
    expect(a).toHaveLength(44);
    expect(a).toMatch(/[a-z]/);
    expect(a).toMatch(/[A-Z]/);
    expect(a).toMatch(/\d/);
    expect(a).toMatch(/[-_]/);
    expect(newCanaryPassword()).not.toBe(a);
  });
});

describe('the synthetic check: timing and output', () => {
  it('times each step, stops at the first failure and keeps its reason', async () => {
    let now = 0;
    const timer = new StepTimer(() => now);
    await timer.run('start', async () => {
      now += 120;
    });
    await expect(timer.run('totp', async () => {
      now += 80;
      throw new StepFailure('HTTP 422 code_invalid');
    })).rejects.toThrow(StepFailure);
    expect(formatSteps(timer.steps)).toBe('start:0.12s');
    expect(timer.failure).toEqual({ step: 'totp', reason: 'HTTP 422 code_invalid' });
  });

  it('renders the text format with escaped labels, a failed step and no series for steps that did not finish', () => {
    const text = renderMetrics({ ok: false, steps: [{ step: 'start', seconds: 0.1234 }], failure: { step: 'totp', reason: 'x' }, startedAt: new Date(1_700_000_000_500) }, 'a"b\\c');
    expect(text).toContain('unlatch_synthetic_step_seconds{tenant="a\\"b\\\\c",step="start"} 0.123\n');
    expect(text).not.toContain('step="totp"} 0');
    expect(text).toContain('unlatch_synthetic_failed_step{tenant="a\\"b\\\\c",step="totp"} 1\n');
    expect(text).toContain('unlatch_synthetic_success{tenant="a\\"b\\\\c"} 0\n');
    expect(text).toContain('unlatch_synthetic_last_run_timestamp_seconds{tenant="a\\"b\\\\c"} 1700000000\n');
    expect(text.match(/^# TYPE /gm)).toHaveLength(4);
  });
});

describe('canary accounts', () => {
  it('match by username per tenant, folded like any identifier', () => {
    const canaries = new CanaryAccounts([{ tenantId: 'acme', accounts: ['Canary'] }, { tenantId: 'other', accounts: [] }]);
    expect(canaries.has({ tenantId: 'acme', username: 'canary' })).toBe(true);
    expect(canaries.has({ tenantId: 'acme', username: 'ＣＡＮＡＲＹ' })).toBe(true);
    expect(canaries.has({ tenantId: 'other', username: 'canary' })).toBe(false);
    expect(canaries.has({ tenantId: 'acme', username: 'alice' })).toBe(false);
    expect(flowDetails({ canary: true }, { a: 1 })).toEqual({ a: 1, canary: true });
    expect(flowDetails({ canary: false }, { a: 1 })).toEqual({ a: 1 });
    expect(flowDetails(null, { a: 1 })).toEqual({ a: 1 });
  });

  it('count in their own series, not in the user-facing ones', async () => {
    const metrics = new UnlatchMetrics({ defaultMetrics: false });
    metrics.observe('reset.completed', { tenantId: 't', outcome: 'success', durationSeconds: 30, canary: true });
    metrics.observe('reset.code_failed', { tenantId: 't', outcome: 'failure', reason: 'code_invalid', canary: true });
    metrics.observe('reset.completed', { tenantId: 't', outcome: 'success', durationSeconds: 30 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('unlatch_canary_resets_total{tenant="t",stage="completed",outcome="success"} 1');
    expect(text).toContain('unlatch_canary_resets_total{tenant="t",stage="failed",outcome="failure"} 1');
    expect(text).toContain('unlatch_reset_events_total{tenant="t",stage="completed",outcome="success",reason=""} 1');
    expect(text).not.toContain('reason="code_invalid"');
    expect(text).toContain('unlatch_reset_duration_seconds_count{tenant="t"} 1');
  });

  it('count in the console rollup only under their own dimension', () => {
    const at = Date.UTC(2026, 0, 1, 10);
    const rows = [...rollupRowsOf([
      { tenantId: 't', at, event: 'reset.completed', outcome: 'success', chain: 0, details: { canary: true, methods: ['totp'], durationMs: 1000 } },
      { tenantId: 't', at, event: 'reset.completed', outcome: 'success', chain: 0, details: { methods: ['totp'], durationMs: 1000 } },
    ]).values()];
    expect(rows.filter((r) => r.dimension === 'canary').map((r) => r.count)).toEqual([1, 1]);
    expect(rows.filter((r) => r.dimension === '').map((r) => r.count)).toEqual([1, 1]);
    expect(rows.filter((r) => r.dimension === 'method=totp').map((r) => r.count)).toEqual([1, 1]);
  });
});
