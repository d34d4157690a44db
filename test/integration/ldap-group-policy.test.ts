import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startReset, verify } from '../http/api-client.js';

/**
 * The method policy decides by the groups the directory holds: alice is in the LDAP group `admins` (excluded
 * by default), bob in `staff`, which a rule asks for two proofs.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('policy by LDAP group membership (real slapd)', () => {
  let slapd: Slapd;
  let t: TestApp;
  beforeAll(async () => {
    slapd = await startSlapd();
    t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', directories: [{ type: 'ldap', url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN }] }],
        defaultTenant: 'demo',
        policy: { tenants: { demo: { rules: [{ groups: ['Staff'], requiredMethods: 2 }] } } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  it('a member of the LDAP group admins gets a decoy: no mail, and the audit says excluded', async () => {
    const alice = DIRECTORY_PEOPLE.alice;
    await startReset(t, alice.username);
    await t.deliverMail();
    expect(await t.mailsTo(alice.email)).toHaveLength(0);
    const started = (await new SqlAuditReaderForTests(t.app.database.db).all()).filter((e) => e.event === 'reset.started').at(-1)!;
    expect(started.outcome).toBe('decoy');
    expect(JSON.parse(started.details)).toMatchObject({ reason: 'excluded' });
  });

  it('a rule for the LDAP group staff (matched case-insensitively) asks for a second proof; others need one', async () => {
    const bob = DIRECTORY_PEOPLE.bob;
    const flowId = await startReset(t, bob.username);
    expect((await verify(t, flowId, await t.codeFor(bob.email))).json()).toMatchObject({ next: 'verify_second' });

    const erin = DIRECTORY_PEOPLE.erin;
    const other = await startReset(t, erin.username);
    expect((await verify(t, other, await t.codeFor(erin.email))).json()).toMatchObject({ next: 'set_password' });
  });
});
