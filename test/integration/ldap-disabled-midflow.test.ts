import { describe, expect, it } from 'vitest';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { useLdapApp } from '../helpers/ldap-app.js';
import { GROUPS_DN, slapdAvailable } from '../helpers/slapd.js';
import { expectProblem, getJson, postJson, setPassword, startReset, verify } from '../http/api-client.js';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';

/**
 * An administrator disables an account, or makes it a member of an excluded group, while its owner is at the
 * password step. The router caches accounts for `groupCacheSeconds`, but the write reads the account fresh:
 * nothing is written to an account that may no longer reset.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('changes in the middle of a flow: an account disabled or made an admin, a directory down (real slapd)', () => {
  const ldap = useLdapApp({ directory: { groupCacheSeconds: 600 } });

  it('refuses the new password of someone who joined an excluded group meanwhile (the cached groups are stale)', async () => {
    const frank = DIRECTORY_PEOPLE.frank;
    const flowId = await startReset(ldap.t, frank.username);
    expect((await verify(ldap.t, flowId, await ldap.t.codeFor(frank.email))).statusCode).toBe(200);
    expect((await getJson(ldap.t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'set_password' });

    // Frank becomes an administrator: the memberof overlay gives him memberOf admins at once.
    await ldap.slapd.replace(`cn=admins,${GROUPS_DN}`, 'member', [ldap.slapd.dnOf('alice'), ldap.slapd.dnOf('frank')]);
    expectProblem(await setPassword(ldap.t, flowId, 'juniper lattice comet harbour 74'), 410, 'flow_invalid');
    expect(await ldap.slapd.whoami(ldap.slapd.dnOf('frank'), frank.password)).toBe(true);
  });

  it('refuses the new password (410) and leaves the directory as it was', async () => {
    const heidi = DIRECTORY_PEOPLE.heidi;
    const flowId = await startReset(ldap.t, heidi.username);
    expect((await verify(ldap.t, flowId, await ldap.t.codeFor(heidi.email))).statusCode).toBe(200);
    // Read through the router once more, so the account sits in its cache as enabled.
    expect((await getJson(ldap.t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'set_password' });

    // The administrator's permanent lock: ppolicy's "disabled".
    await ldap.slapd.replace(ldap.slapd.dnOf('heidi'), 'pwdAccountLockedTime', ['000001010000Z']);
    expectProblem(await setPassword(ldap.t, flowId, 'juniper lattice comet harbour 73'), 410, 'flow_invalid');
    expect((await ldap.slapd.read(ldap.slapd.dnOf('heidi'), ['pwdAccountLockedTime'])).pwdAccountLockedTime).toEqual(['000001010000Z']);
  });

  it('an unlock while the directory is down answers 503, is audited, and works once it is back', async () => {
    const grace = DIRECTORY_PEOPLE.grace;
    const started = (await postJson(ldap.t, '/api/v1/unlock', { identifier: grace.username })).json() as { flowId: string };
    expect((await verify(ldap.t, started.flowId, await ldap.t.codeFor(grace.email))).json()).toMatchObject({ next: 'unlock' });
    await ldap.slapd.halt();
    try {
      expectProblem(await postJson(ldap.t, `/api/v1/reset/${started.flowId}/unlock`, {}), 503, 'directory_unavailable');
    } finally {
      await ldap.slapd.resume();
    }
    const audit = await new SqlAuditReaderForTests(ldap.t.app.database.db).all();
    expect(audit.some((e) => e.event === 'reset.directory_unavailable' && e.outcome === 'failure')).toBe(true);
    expect((await postJson(ldap.t, `/api/v1/reset/${started.flowId}/unlock`, {})).statusCode).toBe(200);
  });
});
