import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, GROUPS_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectProblem, getJson, setPassword, startReset, verify } from '../http/api-client.js';

/**
 * An administrator disables an account, or makes it a member of an excluded group, while its owner is at the
 * password step. The router caches accounts
 * for `groupCacheSeconds`, but the write reads the account fresh: nothing is written to a disabled account.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('an account disabled in the middle of a reset (real slapd)', () => {
  let slapd: Slapd;
  let t: TestApp;
  beforeAll(async () => {
    slapd = await startSlapd();
    t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', directories: [{ type: 'ldap', url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, groupCacheSeconds: 600 }] }],
        defaultTenant: 'demo',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  it('refuses the new password of someone who joined an excluded group meanwhile (the cached groups are stale)', async () => {
    const frank = DIRECTORY_PEOPLE.frank;
    const flowId = await startReset(t, frank.username);
    expect((await verify(t, flowId, await t.codeFor(frank.email))).statusCode).toBe(200);
    expect((await getJson(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'set_password' });

    // Frank becomes an administrator: the memberof overlay gives him memberOf admins at once.
    await slapd.replace(`cn=admins,${GROUPS_DN}`, 'member', [slapd.dnOf('alice'), slapd.dnOf('frank')]);
    expectProblem(await setPassword(t, flowId, 'juniper lattice comet harbour 74'), 410, 'flow_invalid');
    expect(await slapd.whoami(slapd.dnOf('frank'), frank.password)).toBe(true);
  });

  it('refuses the new password (410) and leaves the directory as it was', async () => {
    const heidi = DIRECTORY_PEOPLE.heidi;
    const flowId = await startReset(t, heidi.username);
    expect((await verify(t, flowId, await t.codeFor(heidi.email))).statusCode).toBe(200);
    // Read through the router once more, so the account sits in its cache as enabled.
    expect((await getJson(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'set_password' });

    // The administrator's permanent lock: ppolicy's "disabled".
    await slapd.replace(slapd.dnOf('heidi'), 'pwdAccountLockedTime', ['000001010000Z']);
    expectProblem(await setPassword(t, flowId, 'juniper lattice comet harbour 73'), 410, 'flow_invalid');
    expect((await slapd.read(slapd.dnOf('heidi'), ['pwdAccountLockedTime'])).pwdAccountLockedTime).toEqual(['000001010000Z']);
  });
});
