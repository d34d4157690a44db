import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(text).toContain('unlatch_outbox_backlog 0');
    // No label carries an identifier or an address.
    expect(text).not.toMatch(/bob|ghost|example\.com/);
  });
});
