import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqlSessionRepository } from '../../src/adapters/store/session-repository.js';
import type { IncidentActor } from '../../src/core/incident/incident-person.js';
import type { RawConfig } from '../../src/config/schema.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { useLdapApp } from '../helpers/ldap-app.js';
import { shouldRun } from '../helpers/services.js';
import { slapdAvailable } from '../helpers/slapd.js';

const BY: IncidentActor = { actor: 'cli:tester', client: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'c1' } };
const HOOKS = [{ type: 'keycloak', name: 'staff-sso', baseUrl: 'https://sso.example.internal', realm: 'staff', clientId: 'unlatch', clientSecret: 'kc-secret-for-tests-0123456789', events: ['reset.completed'] }];

/** A forced reset of an LDAP group against a real slapd with the ppolicy overlay: pwdReset, sessions, notices, hooks. */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('incident reset of an LDAP group (real slapd, ppolicy)', () => {
  const ldap = useLdapApp({ overrides: { hooks: HOOKS } as RawConfig });
  const staff = [DIRECTORY_PEOPLE.alice, DIRECTORY_PEOPLE.bob, DIRECTORY_PEOPLE.dave];

  it('a dry run writes nothing to the directory', async () => {
    const { t, slapd } = ldap;
    const outcome = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'staff' }, mode: 'strict', expiresInSeconds: 86_400, reason: '', dryRun: true, by: BY });
    expect(outcome.counts).toMatchObject({ total: 3, pending: 3 });
    for (const person of staff) expect((await slapd.read(slapd.dnOf(person.username as 'alice'), ['pwdReset'])).pwdReset ?? []).toEqual([]);
  });

  it('marks pwdReset on every member, ends their sessions, queues a notice and a hook call each, and the mails go out', async () => {
    const { t, slapd } = ldap;
    const bob = await t.app.admin!.directory.findByIdentifier('demo', 'bob');
    const now = t.clock.now();
    const sessions = new SqlSessionRepository(t.app.database.db);
    await sessions.insert({ tokenHash: randomBytes(32).toString('hex'), tenantId: 'demo', subjectId: bob!.id, state: 'full', attempts: 0, createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), revokedAt: null });

    const started = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'staff' }, mode: 'strict', expiresInSeconds: 86_400, reason: 'phished', dryRun: false, by: BY });
    const done = await t.app.incidents.run('demo', started.incident.id, BY);
    expect(done.counts).toMatchObject({ total: 3, done: 3, failed: 0, pending: 0 });
    for (const name of ['alice', 'bob', 'dave'] as const) expect((await slapd.read(slapd.dnOf(name), ['pwdReset'])).pwdReset).toEqual(['TRUE']);
    // Someone outside the group is untouched.
    expect((await slapd.read(slapd.dnOf('erin'), ['pwdReset'])).pwdReset ?? []).toEqual([]);
    // The password itself did not change: the person signs in with it and is asked to change it.
    expect(await slapd.whoami(slapd.dnOf('bob'), DIRECTORY_PEOPLE.bob.password)).toBe(true);
    const live = await t.app.database.db.selectFrom('sessions').select('token_hash').where('subject_id', '=', bob!.id).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);

    const rows = await t.app.database.db.selectFrom('outbox').select(['template', 'subject_id']).where('template', 'in', ['incident_notice', 'hook_event']).execute();
    expect(rows.filter((r) => r.template === 'hook_event')).toHaveLength(3);
    expect(rows.filter((r) => r.template === 'incident_notice')).toHaveLength(3);
    await t.deliverMail();
    const mails = await t.mailsTo(DIRECTORY_PEOPLE.bob.email);
    const notice = mails.find((m) => m.subject.includes('set a new'));
    expect(notice?.text).toContain('two proofs');
    expect(notice?.text).toContain(`incident ${started.incident.id}`);
    expect((await t.app.admin!.directory.accountDetails!(bob!)).mustChangePassword).toBe(true);
  });
});
