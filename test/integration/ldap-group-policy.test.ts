import { describe, expect, it } from 'vitest';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { useLdapApp } from '../helpers/ldap-app.js';
import { slapdAvailable } from '../helpers/slapd.js';
import { startReset, verify } from '../http/api-client.js';

/**
 * The method policy decides by the groups the directory holds: alice is in the LDAP group `admins` (excluded
 * by default), bob in `staff`, which a rule asks for two proofs.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('policy by LDAP group membership (real slapd)', () => {
  const ldap = useLdapApp({ overrides: { policy: { tenants: { demo: { rules: [{ groups: ['Staff'], requiredMethods: 2 }] } } } } });

  it('a member of the LDAP group admins gets a decoy: no mail, and the audit says excluded', async () => {
    const alice = DIRECTORY_PEOPLE.alice;
    await startReset(ldap.t, alice.username);
    await ldap.t.deliverMail();
    expect(await ldap.t.mailsTo(alice.email)).toHaveLength(0);
    const started = (await new SqlAuditReaderForTests(ldap.t.app.database.db).all()).filter((e) => e.event === 'reset.started').at(-1)!;
    expect(started.outcome).toBe('decoy');
    expect(JSON.parse(started.details)).toMatchObject({ reason: 'excluded' });
  });

  it('a rule for the LDAP group staff (matched case-insensitively) asks for a second proof; others need one', async () => {
    const bob = DIRECTORY_PEOPLE.bob;
    const flowId = await startReset(ldap.t, bob.username);
    expect((await verify(ldap.t, flowId, await ldap.t.codeFor(bob.email))).json()).toMatchObject({ next: 'verify_second' });

    const erin = DIRECTORY_PEOPLE.erin;
    const other = await startReset(ldap.t, erin.username);
    expect((await verify(ldap.t, other, await ldap.t.codeFor(erin.email))).json()).toMatchObject({ next: 'set_password' });
  });
});
