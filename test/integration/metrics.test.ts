import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePolicy } from '../../src/core/policy/method-policy.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { rateLimits: { start_identifier: { points: 3, durationSeconds: 900 } } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const metrics = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
  const post = (url: string, payload: object) => t.server.inject({ method: 'POST', url, payload });

  it('counts each reset step, failures by reason, time to reset, deliveries and rate limits', async () => {
    const { flowId } = (await post('/api/v1/reset', { identifier: 'bob' })).json() as { flowId: string };
    await post('/api/v1/reset', { identifier: 'ghost' });
    const code = await t.codeFor('bob@example.com');
    await post(`/api/v1/reset/${flowId}/verify`, { code: code === '000000' ? '111111' : '000000' });
    await post(`/api/v1/reset/${flowId}/verify`, { code });
    await post(`/api/v1/reset/${flowId}/password`, { password: 'password' });
    t.clock.advance(90);
    await post(`/api/v1/reset/${flowId}/password`, { password: 'lantern orchard mosaic 52' });
    for (let i = 0; i < 3; i += 1) await post('/api/v1/reset', { identifier: 'ghost' });
    await t.deliverMail();

    const text = await metrics();
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="started",outcome="success",reason=""} 1');
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="started",outcome="decoy",reason=""} 3');
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="failed",outcome="failure",reason="code_invalid"} 1');
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="verified",outcome="success",reason="email_code"} 1');
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="failed",outcome="failure",reason="too_common"} 1');
    expect(text).toContain('unlatch_reset_events_total{tenant="demo",stage="completed",outcome="success",reason=""} 1');
    // Started, then ~90 s later done: one observation in the 120 s bucket, none in the 60 s one.
    expect(text).toContain('unlatch_reset_duration_seconds_bucket{le="60",tenant="demo"} 0');
    expect(text).toContain('unlatch_reset_duration_seconds_bucket{le="120",tenant="demo"} 1');
    expect(text).toMatch(/unlatch_messages_total\{channel="email",template="reset_code",outcome="sent",reason=""\} 1/);
    expect(text).toMatch(/unlatch_messages_total\{channel="email",template="password_changed",outcome="sent",reason=""\} 1/);
    expect(text).toContain('unlatch_rate_limited_total{tenant="demo",event="reset.rate_limited",bucket="start_identifier"} 1');
    expect(text).toContain('unlatch_outbox_backlog{kind="mail"} 0');
    // No label carries an identifier or an address.
    expect(text).not.toMatch(/bob|ghost|example\.com/);
  });
});

describe('/metrics: verification methods', () => {
  let m: TestApp;
  beforeAll(async () => {
    m = await startTestApp();
  });
  afterAll(async () => {
    await m?.close();
  });

  const post = (url: string, payload: object) => m.server.inject({ method: 'POST', url, payload });

  it('counts method events by kind: registration, removal, and reset proofs', async () => {
    const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-metrics' };
    const account = await m.accountOf('carol');
    const { codes } = await m.app.methodRegistration.regenerateBackupCodes({ account, client });
    const { flowId } = (await post('/api/v1/reset', { identifier: 'carol' })).json() as { flowId: string };
    await post(`/api/v1/reset/${flowId}/verify`, { method: 'backup_code', code: 'AAAAAA-AAAAAA' });
    await post(`/api/v1/reset/${flowId}/verify`, { method: 'backup_code', code: codes[0]! });
    await m.app.methodRegistration.remove({ account, methodId: 'backup_codes', decision: decidePolicy(m.app.policyFor('demo'), account), client });

    const text = (await m.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('unlatch_method_events_total{tenant="demo",method="backup_code",event="backup_codes_generated",outcome="success"} 1');
    expect(text).toContain('unlatch_method_events_total{tenant="demo",method="backup_code",event="failed",outcome="failure"} 1');
    expect(text).toContain('unlatch_method_events_total{tenant="demo",method="backup_code",event="verified",outcome="success"} 1');
    expect(text).toContain('unlatch_method_events_total{tenant="demo",method="backup_code",event="removed",outcome="success"} 1');
  });
});
