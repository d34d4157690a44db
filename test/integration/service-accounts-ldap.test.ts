import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDirectoryRouter } from '../../src/adapters/directory/build-directories.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { systemClock } from '../../src/core/ports/clock.js';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { useLdapApp } from '../helpers/ldap-app.js';
import { shouldRun } from '../helpers/services.js';
import { slapdAvailable } from '../helpers/slapd.js';
import { changePassword, postJson, startReset } from '../http/api-client.js';

/**
 * Privileged and service accounts against a real slapd: alice is in the LDAP group `admins`, marked here as a
 * service-account group (and not excluded, so the mark alone decides); frank carries `employeeType: service`,
 * the attribute the policy names, which the LDAP adapter reads only because the policy names it. Bob is a normal person.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('service accounts by LDAP group and attribute (real slapd)', () => {
  const ldap = useLdapApp({
    overrides: {
      policy: {
        tenants: { demo: { excludedGroups: [], serviceAccounts: { groups: ['Admins'], attribute: { name: 'employeeType', values: ['Service'] } } } },
      },
    },
  });
  const { alice, bob, frank } = DIRECTORY_PEOPLE;

  beforeAll(async () => {
    await ldap.slapd.replace(ldap.slapd.dnOf('frank'), 'employeeType', ['service']);
  });

  const audit = async () => new SqlAuditReaderForTests(ldap.t.app.database.db).all();
  /** A problem answer without its `instance` (a fresh id per answer). */
  const problem = (res: LightMyRequestResponse) => {
    const { instance, ...rest } = res.json<Record<string, unknown>>();
    return { ...rest, instance: typeof instance };
  };
  const lastStarted = async () => (await audit()).filter((e) => e.event === 'reset.started').at(-1)!;
  /** What a start's answer shows, without the flow id (random for everyone). */
  const shape = (res: LightMyRequestResponse) => {
    const { flowId, expiresAt, ...rest } = res.json<Record<string, unknown>>();
    const headers = Object.keys(res.headers).filter((h) => !['date', 'content-length', 'x-request-id', 'x-correlation-id'].includes(h)).sort();
    return { status: res.statusCode, body: rest, keys: Object.keys(res.json<object>()).sort(), flowIdLength: String(flowId).length, expires: typeof expiresAt, headers, setCookie: res.headers['set-cookie'] ?? null };
  };

  it('the adapter reads the attribute the policy names', async () => {
    // Built from the configuration as the server builds it: the policy's attribute reaches the LDAP adapter.
    const directory = await buildDirectoryRouter(ldap.t.config, { db: ldap.t.app.database.db, hasher: new Argon2Hasher(), clock: systemClock });
    expect((await directory.findByIdentifier('demo', 'frank'))?.attributes).toEqual({ employeetype: ['service'] });
    expect((await directory.findByIdentifier('demo', 'bob'))?.attributes).toEqual({});
  });

  it('a member of a service-account group gets the decoy an unknown account gets, audited as suspicious', async () => {
    const unknown = await postJson(ldap.t, '/api/v1/reset', { identifier: 'nobody-at-all' });
    const service = await postJson(ldap.t, '/api/v1/reset', { identifier: alice.username });
    expect(shape(service)).toEqual(shape(unknown));
    await ldap.t.deliverMail();
    expect(await ldap.t.mailsTo(alice.email)).toHaveLength(0);
    const started = await lastStarted();
    expect(started.outcome).toBe('decoy');
    expect(JSON.parse(started.details)).toMatchObject({ reason: 'service_account', suspicious: true });
  });

  it('an account marked by the attribute (values compared case-insensitively) is a service account too', async () => {
    const service = await postJson(ldap.t, '/api/v1/reset', { identifier: frank.email });
    expect(service.statusCode).toBe(202);
    await ldap.t.deliverMail();
    expect(await ldap.t.mailsTo(frank.email)).toHaveLength(0);
    expect(JSON.parse((await lastStarted()).details)).toMatchObject({ reason: 'service_account', suspicious: true });
  });

  it('an unknown account is not suspicious, and a normal person gets the code', async () => {
    await startReset(ldap.t, 'nobody-else');
    expect(JSON.parse((await lastStarted()).details)).not.toHaveProperty('suspicious');
    await startReset(ldap.t, bob.username);
    expect((await lastStarted()).outcome).toBe('success');
    expect(await ldap.t.codeFor(bob.email)).toMatch(/^\d{6,}$/);
  });

  it('counts the attempts per tenant and reason', async () => {
    const metrics = (await ldap.t.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/unlatch_suspicious_attempts_total\{tenant="demo",reason="service_account"\} 2/);
  });

  it('the change page answers a service account with the right password as it answers a wrong one', async () => {
    const wrong = await changePassword(ldap.t, bob.username, 'not-bobs-password', 'marble kestrel outpost tundra 47');
    const service = await changePassword(ldap.t, frank.username, frank.password, 'marble kestrel outpost tundra 47');
    expect(service.statusCode).toBe(wrong.statusCode);
    expect(problem(service)).toEqual(problem(wrong));
    expect(await ldap.slapd.whoami(ldap.slapd.dnOf('frank'), frank.password)).toBe(true);
    const failed = (await audit()).filter((e) => e.event === 'password.change_failed').at(-1)!;
    expect(failed.outcome).toBe('denied');
    expect(JSON.parse(failed.details)).toMatchObject({ reason: 'service_account', suspicious: true });
  });

  it('signing in to manage security info answers a service account as a wrong password', async () => {
    const wrong = await postJson(ldap.t, '/api/v1/me/session', { identifier: bob.username, password: 'not-bobs-password' });
    const service = await postJson(ldap.t, '/api/v1/me/session', { identifier: alice.username, password: alice.password });
    expect(service.statusCode).toBe(wrong.statusCode);
    expect(problem(service)).toEqual(problem(wrong));
    const failed = (await audit()).filter((e) => e.event === 'signin.failed').at(-1)!;
    expect(JSON.parse(failed.details)).toMatchObject({ reason: 'service_account', suspicious: true });
  });
});
