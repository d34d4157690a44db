import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('SMS wired into the app from configuration', () => {
  let primary: FakeWebhook;
  let backup: FakeWebhook;
  let t: TestApp;
  beforeAll(async () => {
    primary = await startFakeWebhook();
    backup = await startFakeWebhook();
    t = await startTestApp({
      overrides: {
        sms: {
          providers: [
            { type: 'webhook', name: 'primary', url: primary.url, timeoutMs: 2000 },
            { type: 'webhook', name: 'backup', url: backup.url, timeoutMs: 2000 },
          ],
          limits: { perDestination: { points: 2, durationSeconds: 3600 } },
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await primary?.close();
    await backup?.close();
  });

  it('is off without providers', async () => {
    const plain = await startTestApp();
    try {
      expect(plain.app.sms).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('sends through the first provider, fails over when it errors, limits per number, and counts attempts', async () => {
    const sms = t.app.sms!;
    expect(await sms.send({ tenantId: 'demo', to: '+15551230001', text: 'code 123456', idempotencyKey: 'k1' })).toMatchObject({ sent: true, provider: 'primary' });
    primary.behaviour = 'error_500';
    expect(await sms.send({ tenantId: 'demo', to: '+15551230001', text: 'code 654321', idempotencyKey: 'k2' })).toMatchObject({ sent: true, provider: 'backup' });
    expect(await sms.send({ tenantId: 'demo', to: '+15551230001', text: 'code 111111', idempotencyKey: 'k3' })).toMatchObject({ sent: false, reason: 'rate_limited' });
    expect(primary.received).toHaveLength(2);
    expect(backup.received).toHaveLength(1);

    const metrics = (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('unlatch_sms_attempts_total{provider="primary",outcome="sent",reason=""} 1');
    expect(metrics).toContain('unlatch_sms_attempts_total{provider="primary",outcome="transient_failure",reason="http_5xx"} 1');
    expect(metrics).toContain('unlatch_sms_attempts_total{provider="backup",outcome="sent",reason=""} 1');
    expect(metrics).not.toContain('5551230001');
  });

  it('refuses a budget for a tenant that does not exist, naming the key', async () => {
    await expect(startTestApp({ overrides: { sms: { limits: { tenantBudgets: { nosuch: 5 } } } } })).rejects.toThrow(/sms\.limits\.tenantBudgets\.nosuch/);
  });
});
