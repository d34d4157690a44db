import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { setFlowRisk } from './review-support.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/**
 * Step-up (issue 13) on SQLite and PostgreSQL: a flow whose risk action is `step_up` needs one proof more than the
 * person's policy (one) asks, audited with `stepUp: true`; a person with no second method gets the second-proof
 * page with no choice and the helpdesk, and cannot finish.
 */
describe.each(['sqlite', 'postgres'] as const)('step-up (%s)', (database) => {
  let t: TestApp;
  let skip = false;

  beforeAll(async () => {
    if (database === 'postgres' && !shouldRun('PostgreSQL', await postgresAvailable())) {
      skip = true;
      return;
    }
    t = await startTestApp({ database });
    await t.app.admin!.methods.add({ tenantId: t.config.defaultTenant!, subjectId: (await t.accountOf('alice')).id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, t.clock.now());
  });
  afterAll(async () => t?.close());

  const api = (url: string, payload?: object) => (payload ? t.server.inject({ method: 'POST', url, payload }) : t.server.inject({ method: 'GET', url }));
  const totp = () => totpAt(SEED, t.clock.now().getTime());
  const audit = async (event: string) => (await t.app.admin!.auditQuery.search({ tenantId: t.config.defaultTenant!, event }, { limit: 50 })).entries;

  it('asks a second proof after the authenticator app, which alone completes a reset without step-up', async () => {
    if (skip) return;
    // Without step-up: the app alone is enough (one proof, the person's strongest).
    const plain = (await api('/api/v1/reset', { identifier: 'alice' })).json() as { flowId: string };
    t.clock.advance(31);
    expect((await api(`/api/v1/reset/${plain.flowId}/verify`, { method: 'totp', code: totp() })).json()).toMatchObject({ next: 'set_password' });

    const { flowId } = (await api('/api/v1/reset', { identifier: 'alice' })).json() as { flowId: string };
    const id = await setFlowRisk(t, 'alice', 'step_up');
    t.clock.advance(31);
    const first = await api(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code: totp() });
    expect(first.statusCode, first.body).toBe(200);
    const body = first.json() as { next: string; methods: Array<{ method: string }> };
    expect(body.next).toBe('verify_second');
    expect(body.methods.map((m) => m.method)).toContain('email_code');
    expect(body.methods.map((m) => m.method)).not.toContain('totp');
    expect((await api(`/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'verify_second' });
    // The password is refused until the second proof is in.
    expect((await api(`/api/v1/reset/${flowId}/password`, { password: 'another long passphrase 7' })).statusCode).toBe(409);

    const second = await api(`/api/v1/reset/${flowId}/verify`, { method: 'email_code', code: await t.codeFor('alice@example.com') });
    expect(second.json()).toMatchObject({ next: 'set_password' });
    const entries = (await audit('reset.code_verified')).filter((e) => e.flowId === id);
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.details).toMatchObject({ stepUp: true });
    expect(entries.map((e) => e.details.complete).sort()).toEqual([false, true]);
    expect((await api(`/api/v1/reset/${flowId}/password`, { password: 'another long passphrase 7' })).statusCode).toBe(200);
  });

  it('sends a person with no second method to the helpdesk instead of letting the code alone through', async () => {
    if (skip) return;
    const person = new PortalVisitor(t);
    expect((await person.fill('/reset', { identifier: 'bob' })).statusCode).toBe(303);
    await setFlowRisk(t, 'bob', 'step_up');
    const proved = await person.fill('/reset/code', { code: await t.codeFor('bob@example.com') });
    expect(proved.headers.location).toBe('/reset/second');
    const page = await person.get('/reset/second');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('You cannot finish this reset yourself');
    expect(visibleText(page.body)).toContain('Contact your helpdesk');
    expect((await person.get('/reset/password')).headers.location).toBe('/reset/second');
  });
});
