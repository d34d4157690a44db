import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('who may reset: excluded groups and policy rules give decoy flows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: { policy: { tenants: { demo: { rules: [{ groups: ['Contractors'], ssprEnabled: false }] } } } },
    });
    const now = new Date();
    await t.app.users.insert({ tenantId: 'demo', username: 'root-anna', email: 'anna@example.com', groups: ['admins'] }, now);
    await t.app.users.insert({ tenantId: 'demo', username: 'carl', email: 'carl@example.com', groups: ['contractors'] }, now);
    await t.app.users.insert({ tenantId: 'demo', username: 'dina', email: 'dina@example.com', groups: ['staff'] }, now);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the same for everyone, sends mail only to people the policy lets reset, and audits why', async () => {
    const answers = [];
    for (const identifier of ['root-anna', 'carl', 'dina']) {
      answers.push(await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } }));
    }
    for (const answer of answers) {
      expect(answer.statusCode).toBe(202);
      expect(Object.keys(answer.json() as object).sort()).toEqual(['expiresAt', 'flowId', 'next']);
    }
    await t.deliverMail();
    expect(await t.mailsTo('anna@example.com')).toHaveLength(0);
    expect(await t.mailsTo('carl@example.com')).toHaveLength(0);
    expect(await t.mailsTo('dina@example.com')).toHaveLength(1);

    const started = await t.app.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('event', '=', 'reset.started').orderBy('seq').execute();
    expect(started.map((e) => [e.outcome, (JSON.parse(e.details) as { reason?: string }).reason ?? null])).toEqual([
      ['decoy', 'excluded'],
      ['decoy', 'sspr_disabled'],
      ['success', null],
    ]);
  });

  it('refuses a policy for a tenant that does not exist, naming the key', async () => {
    await expect(startTestApp({ overrides: { policy: { tenants: { nosuch: { ssprEnabled: false } } } } })).rejects.toThrow(/policy\.tenants\.nosuch/);
  });
});
