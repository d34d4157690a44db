import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { freePort, shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { BOB as DEMO_BOB, STRONG_PASSWORD, expectProblem, postJson, setPassword, startReset, verify } from '../http/api-client.js';

/**
 * The whole app with tenants served by directories from configuration: a reset through the JSON API writes
 * the new password into a real slapd (checked with ldapwhoami, not with Unlatch's own code), copies it to
 * the built-in directory (alsoWriteTo), and a tenant whose LDAP server is down answers 503 and counts it.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('reset with tenants served by LDAP (real slapd)', () => {
  let slapd: Slapd;
  let t: TestApp;

  beforeAll(async () => {
    slapd = await startSlapd();
    const ldap = { type: 'ldap', url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, passwordPolicyDn: POLICY_DN } as const;
    // Starting must not need the LDAP servers: `down`'s is not there at all.
    t = await startTestApp({
      overrides: {
        tenants: [
          // The demo users stay in the built-in directory, which gets a copy of every LDAP reset.
          { id: 'demo', name: 'Demo Company', directories: [{ ...ldap, alsoWriteTo: ['builtin'] }, { type: 'builtin' }] },
          { id: 'down', name: 'Down Inc', directories: [{ ...ldap, url: `ldap://127.0.0.1:${await freePort()}`, connectTimeoutMs: 2000 }] },
        ],
        defaultTenant: 'demo',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  const audit = () => new SqlAuditReaderForTests(t.app.database.db).all();

  it('a reset by emailed code writes the password in slapd: the new one binds, the old one does not', async () => {
    const frank = DIRECTORY_PEOPLE.frank;
    const flowId = await startReset(t, frank.username);
    // The code goes to the address the directory holds for frank.
    const verified = await verify(t, flowId, await t.codeFor(frank.email));
    expect(verified.statusCode, verified.body).toBe(200);
    const set = await setPassword(t, flowId, STRONG_PASSWORD);
    expect(set.statusCode, set.body).toBe(200);

    expect(await slapd.whoami(slapd.dnOf('frank'), STRONG_PASSWORD)).toBe(true);
    expect(await slapd.whoami(slapd.dnOf('frank'), frank.password)).toBe(false);
    const completed = (await audit()).find((e) => e.event === 'reset.completed');
    expect(completed?.subjectId).toMatch(/^ldap-1:[0-9a-f-]{36}$/);
    // The router hands the post-write sign-in check to the LDAP directory, which proves the write by a bind.
    expect((await audit()).find((e) => e.event === 'reset.sign_in_checked' && e.subjectId === completed!.subjectId)?.outcome).toBe('success');
    // Frank has no account in the built-in directory: the copy fails, is audited, and the reset stands.
    const copy = (await audit()).find((e) => e.event === 'directory.secondary_write' && e.subjectId === completed!.subjectId);
    expect(copy).toMatchObject({ outcome: 'failure' });
    expect(JSON.parse(copy!.details)).toMatchObject({ primary: 'ldap-1', directory: 'builtin', reason: 'not_found' });
  });

  it('a person in both directories is the LDAP one, and the built-in copy gets the new password too', async () => {
    const bob = DIRECTORY_PEOPLE.bob;
    const flowId = await startReset(t, 'bob');
    // Bob's LDAP address, not the demo user's: the directory that writes the copies is where he lives.
    expect((await verify(t, flowId, await t.codeFor(bob.email))).statusCode).toBe(200);
    expect((await setPassword(t, flowId, 'quartz meadow lantern 2031')).statusCode).toBe(200);
    expect(await slapd.whoami(slapd.dnOf('bob'), 'quartz meadow lantern 2031')).toBe(true);
    // The built-in copy now takes the new password and no longer the demo one.
    const demoBob = await t.accountOf('bob');
    expect(await t.app.hasher.verify((await t.app.users.findById('demo', demoBob.id))!.passwordHash!, 'quartz meadow lantern 2031')).toBe(true);
    expect(await t.app.hasher.verify((await t.app.users.findById('demo', demoBob.id))!.passwordHash!, DEMO_BOB.password)).toBe(false);
    const copy = (await audit()).filter((e) => e.event === 'directory.secondary_write').at(-1)!;
    expect(copy.outcome).toBe('success');
    expect(JSON.parse(copy.details)).toMatchObject({ directory: 'builtin', accountId: demoBob.id });
  });

  it('a tenant whose LDAP server is down answers directory_unavailable (503), and the metric counts it', async () => {
    const res = await postJson(t, '/api/v1/reset', { tenant: 'down', identifier: 'bob' });
    expectProblem(res, 503, 'directory_unavailable');
    const metrics = (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/unlatch_directory_errors_total\{tenant="down",directory="ldap-1",reason="unavailable"\} [1-9]/);
    // The other tenant is not affected.
    expect(await startReset(t, 'heidi')).toEqual(expect.any(String));
  });
});
