import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { ldapDirectory } from '../helpers/ldap-app.js';
import { POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { getJson, startReset, verify } from '../http/api-client.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';

/** The directory's own rules (ppolicy: min length 8, history 3) are shown at the password step, before anyone types. */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('the directory\'s password rules at the password step (real slapd)', () => {
  let slapd: Slapd;
  let t: TestApp;
  beforeAll(async () => {
    slapd = await startSlapd();
    const ldap = ldapDirectory(slapd);
    t = await startTestApp({
      overrides: {
        tenants: [
          { id: 'demo', name: 'Demo Company', directories: [{ ...ldap, passwordPolicyDn: POLICY_DN }] },
          // Without a policy DN (slapd's default policy is in its config, not on the entry) there is nothing to show.
          { id: 'quiet', name: 'Quiet Inc', directories: [ldap] },
        ],
        defaultTenant: 'demo',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  it('API and portal show min length and history from the ppolicy entry', async () => {
    const frank = DIRECTORY_PEOPLE.frank;
    const flowId = await startReset(t, frank.username);
    expect((await verify(t, flowId, await t.codeFor(frank.email))).statusCode).toBe(200);
    const view = (await getJson(t, `/api/v1/reset/${flowId}`)).json() as { next: string; directoryRules?: Record<string, unknown> };
    expect(view.next).toBe('set_password');
    expect(view.directoryRules).toEqual({ minLength: 8, historyLength: 3 });

    const v = new PortalVisitor(t);
    const started = await v.fill('/reset', { identifier: frank.username });
    await v.follow(started);
    const proven = await v.post('/reset/code', { code: await t.codeFor(frank.email) });
    const page = visibleText((await v.follow(proven)).body);
    expect(page).toContain("Your organisation's directory also requires:");
    expect(page).toContain('at least 8 characters');
    expect(page).toContain('none of your last 3 passwords');
  });

  it('says nothing when the directory cannot tell, and nothing before the person is proven', async () => {
    const frank = DIRECTORY_PEOPLE.frank;
    const flowId = (await (await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { tenant: 'quiet', identifier: frank.username } })).json()) as { flowId: string };
    expect(((await getJson(t, `/api/v1/reset/${flowId.flowId}`)).json() as Record<string, unknown>).directoryRules).toBeUndefined();
    expect((await verify(t, flowId.flowId, await t.codeFor(frank.email))).statusCode).toBe(200);
    expect(((await getJson(t, `/api/v1/reset/${flowId.flowId}`)).json() as Record<string, unknown>).directoryRules).toBeUndefined();
  });
});
