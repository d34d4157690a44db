import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { signInDemoOperator } from './admin-operator.js';
import { visibleText } from './portal-forms.js';

// Counts and state are shared through migration 0027's tables: the same on both stores.
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

describe.each(databases)('attack mode (%s)', (database) => {
  let t: TestApp;
  const start = () => t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: ALICE.username } });
  const entries = async () =>
    (await t.app.database.db.selectFrom('audit_log').select(['event', 'actor', 'details']).where('event', 'like', 'risk.attack_mode_%').orderBy('seq').execute())
      .map((e) => ({ event: e.event, actor: e.actor, details: typeof e.details === 'string' ? (JSON.parse(e.details) as Record<string, unknown>) : (e.details as Record<string, unknown>) }));
  const gauge = async () => /unlatch_attack_mode\{tenant="demo"\} (\d)/.exec((await t.server.inject({ method: 'GET', url: '/metrics' })).body)?.[1];

  beforeEach(async () => {
    t = await startTestApp({
      database,
      overrides: {
        risk: {
          // Proof-of-work only when attack mode asks for it.
          proofOfWork: { mode: 'never' },
          attackMode: { threshold: 3, minStartsPerMinute: 5, windowSeconds: 60, baselineHours: 1, cooldownMinutes: 2 },
        },
      },
    });
  });
  afterEach(async () => {
    await t.close();
  });

  it('enters on a surge (everyone then needs a proof), audits and shows it, and leaves once the rate stays calm for the cool-down', async () => {
    const monitor = t.app.proofOfWork.attackMode;
    // A quiet hour: two starts, the baseline.
    for (let i = 0; i < 2; i++) expect((await start()).statusCode).toBe(202);
    await monitor.runDue();
    expect(await monitor.isActive('demo')).toBe(false);
    t.clock.advance(120);

    // A surge: 12 starts in a minute, over 5/min and 3× the baseline.
    for (let i = 0; i < 12; i++) expect((await start()).statusCode).toBe(202);
    expect(await monitor.runDue()).toBe(1);
    expect(await monitor.isActive('demo')).toBe(true);
    expect(await gauge()).toBe('1');
    const refused = await start();
    expect(refused.statusCode, refused.body).toBe(428);
    const [entered] = await entries();
    expect(entered).toMatchObject({ event: 'risk.attack_mode_entered', actor: 'system' });
    expect(entered!.details.windowRate).toBeGreaterThanOrEqual(12);
    expect(entered!.details.surgeRate).toBe(5);

    // Calm again: still on within the cool-down, off after it.
    t.clock.advance(61);
    expect(await monitor.runDue()).toBe(0);
    expect(await monitor.isActive('demo')).toBe(true);
    t.clock.advance(121);
    expect(await monitor.runDue()).toBe(1);
    expect(await monitor.isActive('demo')).toBe(false);
    expect(await gauge()).toBe('0');
    expect((await start()).statusCode).toBe(202);
    expect((await entries()).map((e) => e.event)).toEqual(['risk.attack_mode_entered', 'risk.attack_mode_left']);
  });

  it('a second node sees the first one\'s counts and state; only one of them audits the change', async () => {
    // The same store seen by two monitors: this app's own and a second node's, built on the same database.
    {
      const { buildProofOfWork } = await import('../../src/adapters/risk/altcha-gate.js');
      const { Registry } = await import('prom-client');
      const second = buildProofOfWork({
        db: t.app.database.db, store: t.app.store, keys: t.app.keys, clock: t.clock, registry: new Registry(), tenants: () => ['demo'],
        proofOfWork: t.config.risk.proofOfWork, attackMode: t.config.risk.attackMode, tenantMode: () => undefined,
      });
      for (let i = 0; i < 6; i++) second.attackMode.countStart('demo');
      for (let i = 0; i < 6; i++) expect((await start()).statusCode).toBe(202);
      const changes = (await second.attackMode.runDue()) + (await t.app.proofOfWork.attackMode.runDue());
      expect(changes).toBe(1);
      expect(await t.app.proofOfWork.attackMode.isActive('demo')).toBe(true);
      expect(await second.attackMode.isActive('demo')).toBe(true);
      expect((await entries()).map((e) => e.event)).toEqual(['risk.attack_mode_entered']);
    }
  });

  it('an operator forces it on and off from the console, audited with their name; automatic hands it back', async () => {
    const operator = await signInDemoOperator(t);
    const page = await operator.get('/admin/t/demo/attack-mode');
    expect(page.statusCode, page.body.slice(0, 500)).toBe(200);
    expect(visibleText(page.body)).toContain('Attack mode Off');
    expect(page.body).toContain('<label for="override-on">Forced on</label>');

    const on = await operator.post('/admin/t/demo/attack-mode', { override: 'on' });
    expect(on.statusCode, on.body.slice(0, 500)).toBe(303);
    expect(await t.app.proofOfWork.attackMode.isActive('demo')).toBe(true);
    expect((await start()).statusCode).toBe(428);
    // The rules do not undo an operator's order.
    await t.app.proofOfWork.attackMode.runDue();
    expect(await t.app.proofOfWork.attackMode.isActive('demo')).toBe(true);
    expect(visibleText((await operator.get('/admin/t/demo/attack-mode')).body)).toContain('On: every start needs a proof of work');

    await operator.get('/admin/t/demo/attack-mode');
    expect((await operator.post('/admin/t/demo/attack-mode', { override: 'off' })).statusCode).toBe(303);
    expect((await start()).statusCode).toBe(202);
    await operator.get('/admin/t/demo/attack-mode');
    expect((await operator.post('/admin/t/demo/attack-mode', { override: 'auto' })).statusCode).toBe(303);

    const forced = await entries();
    expect(forced.map((e) => [e.event, e.actor, e.details.override])).toEqual([
      ['risk.attack_mode_forced', `operator:demo/${DEMO_OPERATOR.username}`, 'on'],
      ['risk.attack_mode_forced', `operator:demo/${DEMO_OPERATOR.username}`, 'off'],
      ['risk.attack_mode_forced', `operator:demo/${DEMO_OPERATOR.username}`, 'auto'],
    ]);
    await operator.get('/admin/t/demo/attack-mode');
    expect((await operator.post('/admin/t/demo/attack-mode', { override: 'sideways' })).statusCode).toBe(400);
  });
});
