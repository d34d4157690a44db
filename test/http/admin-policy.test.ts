import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { type PortalVisitor, visibleText } from './portal-forms.js';

/** The policy area: effective policy with sources, and a simulation that agrees with what a real reset does. */
describe('console policy', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { policy: { default: { excludedGroups: ['vip'] } } } });
    const bob = (await t.app.users.findByIdentifier('demo', 'bob'))[0]!;
    await t.app.database.db.updateTable('users').set({ groups: JSON.stringify(['vip']) }).where('id', '=', bob.id).execute();
    operator = await signInDemoOperator(t);
  });
  afterAll(async () => t.close());

  it('shows the effective policy with where each value comes from, and says config is the source of truth', async () => {
    const page = await operator.get('/admin/t/demo/policy');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('The configuration file is the source of truth');
    expect(text).toMatch(/excludedGroups vip policy\.default/);
    expect(text).toContain('built-in default');
  });

  it('simulates the same outcome a real reset records, for an allowed and an excluded person, and audits it', async () => {
    for (const [user, outcome] of [['alice', 'allowed'], ['bob', 'decoy']] as const) {
      const page = await operator.get(`/admin/t/demo/policy?user=${user}`);
      expect(page.statusCode).toBe(200);
      expect(visibleText(page.body)).toContain(outcome === 'allowed' ? 'Allowed:' : 'Decoy:');
      await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: user } });
      const account = await t.accountOf(user);
      const flow = await t.app.database.db.selectFrom('reset_flows').select(['decoy']).where('subject_id', '=', account.id).orderBy('created_at', 'desc').executeTakeFirst();
      expect(Number(flow?.decoy ?? 1) === 1 ? 'decoy' : 'allowed').toBe(outcome);
    }
    const audited = await t.app.database.db.selectFrom('audit_log').select(['details']).where('event', '=', 'admin.action').execute();
    expect(audited.filter((a) => JSON.parse(a.details).action === 'policy_simulate').length).toBe(2);
  });
});
