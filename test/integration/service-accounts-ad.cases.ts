import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeUnicodePwd } from '../../src/adapters/directory/ad-password.js';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DOMAIN_DN, PEOPLE_OU, type SambaAd } from '../helpers/samba-ad.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postJson, startReset } from '../http/api-client.js';

/**
 * Privileged and service accounts in Active Directory, through the app: a member of the built-in `Domain Admins`
 * group (a default service-account group) and an account marked `employeeType: service` (the attribute this
 * tenant's policy names, read by the AD adapter only because it is named) get the decoy an unknown account gets,
 * audited as suspicious. Registered inside test/integration/active-directory.test.ts (one Samba at a time); it
 * adds its own two people and touches no one else.
 */
export function serviceAccountsAdCases(getAd: () => SambaAd): void {
  let ad: SambaAd;
  let t: TestApp;
  const ADMIN = { username: 'svc-admin', email: 'svc-admin@example.org', password: 'Svc-Admin-Secret-2024' };
  const ROBOT = { username: 'svc-robot', email: 'svc-robot@example.org', password: 'Svc-Robot-Secret-2024' };
  const dnOf = (username: string) => `CN=${username},${PEOPLE_OU}`;

  beforeAll(async () => {
    ad = getAd();
    await ad.asAdmin(async (client) => {
      for (const [person, extra] of [[ADMIN, []], [ROBOT, [new Attribute({ type: 'employeeType', values: ['service'] })]]] as const) {
        await client.add(dnOf(person.username), [
          new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
          new Attribute({ type: 'sAMAccountName', values: [person.username] }),
          new Attribute({ type: 'userPrincipalName', values: [`${person.username}@example.test`] }),
          new Attribute({ type: 'mail', values: [person.email] }),
          new Attribute({ type: 'userAccountControl', values: ['512'] }),
          new Attribute({ type: 'unicodePwd', values: [encodeUnicodePwd(person.password)] }),
          ...extra,
        ]);
      }
      await client.modify(`CN=Domain Admins,CN=Users,${DOMAIN_DN}`, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dnOf(ADMIN.username)] }) })]);
    });
    t = await startTestApp({
      overrides: {
        tenants: [{
          id: 'demo', name: 'Demo Company',
          directories: [{ type: 'active_directory', url: ad.url, tlsCa: ad.caPem, tlsServerName: ad.tlsServerName, bindDn: ad.service.dn, bindPassword: ad.service.password, baseDn: ad.baseDn }],
        }],
        defaultTenant: 'demo',
        // The default groups (Domain Admins among them) and an attribute.
        policy: { default: { serviceAccounts: { attribute: { name: 'employeeType', values: ['service'] } } } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const lastStarted = async () => (await new SqlAuditReaderForTests(t.app.database.db).all()).filter((e) => e.event === 'reset.started').at(-1)!;
  const keysOf = (body: object) => Object.keys(body).sort();

  it('a member of Domain Admins and an account marked employeeType: service get the decoy, audited as suspicious; others are not', async () => {
    const unknown = await postJson(t, '/api/v1/reset', { identifier: 'no-such-admin' });
    for (const person of [ADMIN, ROBOT]) {
      const res = await postJson(t, '/api/v1/reset', { identifier: person.username });
      expect(res.statusCode).toBe(unknown.statusCode);
      expect(keysOf(res.json<object>())).toEqual(keysOf(unknown.json<object>()));
      const started = await lastStarted();
      expect(started.outcome).toBe('decoy');
      expect(JSON.parse(started.details)).toMatchObject({ reason: 'service_account', suspicious: true });
    }
    await t.deliverMail();
    expect(await t.mailsTo(ADMIN.email)).toHaveLength(0);
    expect(await t.mailsTo(ROBOT.email)).toHaveLength(0);

    // A normal person of the same domain is unaffected.
    await startReset(t, 'quentin');
    expect((await lastStarted()).outcome).toBe('success');
  });
}
