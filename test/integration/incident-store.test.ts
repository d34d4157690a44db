import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlFraudStore } from '../../src/adapters/store/fraud-store.js';
import { SqlIncidentStore } from '../../src/adapters/store/incident-store.js';
import { SqlSessionRepository } from '../../src/adapters/store/session-repository.js';
import type { IncidentActor } from '../../src/core/incident/incident-person.js';
import type { MethodRepository } from '../../src/core/ports/methods.js';
import { personDecision } from '../../src/core/reset/person-decision.js';
import type { RawConfig } from '../../src/config/schema.js';
import { postgresAvailable } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = await postgresAvailable();
const databases = (['sqlite', 'postgres'] as const).filter((d) => d === 'sqlite' || pgUp || process.env.UNLATCH_REQUIRE_SERVICES === '1');
const BY: IncidentActor = { actor: 'cli:tester', client: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'c1' } };
const HOOKS = [{ type: 'keycloak', name: 'staff-sso', baseUrl: 'https://sso.example.internal', realm: 'staff', clientId: 'unlatch', clientSecret: 'kc-secret-for-tests-0123456789', events: ['reset.completed'] }];

/** The incident store and service against the real SQL store, the built-in directory, sessions, outbox and audit log. */
describe.each(databases)('incidents on %s', (database) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const db = () => t.app.database.db;

  beforeAll(async () => {
    t = await startTestApp({ database, overrides: { hooks: HOOKS } as RawConfig });
    for (const [username, groups, enabled] of [['ivan', ['Breach'], true], ['judy', ['breach', 'staff'], true], ['mallory', ['breach'], false], ['kim', ['staff'], true]] as const) {
      ids[username] = await t.app.users.insert({ tenantId: 'demo', username, email: `${username}@example.com`, groups: [...groups], enabled, passwordHash: await t.app.hasher.hash(`${username} pass phrase long`) }, t.clock.now());
    }
  });
  afterAll(async () => t?.close());

  const addSession = async (subject: string) => {
    const now = t.clock.now();
    await new SqlSessionRepository(db()).insert({ tokenHash: randomBytes(32).toString('hex'), tenantId: 'demo', subjectId: subject, state: 'full', attempts: 0, createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), revokedAt: null });
  };
  const liveSessions = async (subject: string) => (await db().selectFrom('sessions').select('token_hash').where('subject_id', '=', subject).where('revoked_at', 'is', null).execute()).length;
  const mustChange = async (subject: string) => Number((await db().selectFrom('users').select('must_change').where('id', '=', subject).executeTakeFirstOrThrow()).must_change);
  const outbox = async (template: string) => db().selectFrom('outbox').select(['idempotency_key', 'subject_id']).where('template', '=', template).execute();
  const audit = async (event: string) => db().selectFrom('audit_log').select(['subject_id', 'actor', 'details', 'outcome']).where('event', '=', event).orderBy('seq').execute();

  it('a dry run lists who would be affected and who is skipped, and changes nothing', async () => {
    await addSession(ids.ivan!);
    const outcome = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'breach' }, mode: 'lock', expiresInSeconds: 86_400, reason: 'phished', dryRun: true, by: BY });
    expect(outcome.kind).toBe('created');
    expect(outcome.incident.state).toBe('dry_run');
    expect(outcome.counts).toMatchObject({ total: 3, pending: 2, skipped: 1 });
    const rows = [];
    for await (const row of t.app.incidents.rows(outcome.incident.id)) rows.push(`${row.identifier}:${row.state}:${row.reason ?? ''}`);
    expect(rows.sort()).toEqual(['ivan:pending:', 'judy:pending:', 'mallory:skipped:disabled']);
    // Nothing changed: no mark, no session ended, no hold, no override, no notice, no hook row.
    expect(await mustChange(ids.ivan!)).toBe(0);
    expect(await liveSessions(ids.ivan!)).toBe(1);
    expect(await new SqlFraudStore(db()).isHeld('demo', ids.ivan!)).toBe(false);
    expect(await db().selectFrom('policy_overrides').selectAll().execute()).toEqual([]);
    expect(await outbox('incident_notice')).toEqual([]);
    expect(await outbox('hook_event')).toEqual([]);
    expect((await audit('incident.dry_run')).map((e) => e.actor)).toEqual(['cli:tester']);
    await expect(t.app.incidents.run('demo', outcome.incident.id, BY)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('lock mode: marks must-change, holds self-service, ends sessions, notifies once, fires hooks; audited as one incident', async () => {
    const started = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'breach' }, mode: 'lock', expiresInSeconds: 86_400, reason: 'phished', dryRun: false, by: BY });
    expect(started.kind).toBe('created');
    // Stopped after the first person (as a killed run would be), then resumed: nobody twice.
    let stop = false;
    const first = await t.app.incidents.run('demo', started.incident.id, BY, () => (stop = true), () => stop);
    expect(first.counts).toMatchObject({ done: 1, pending: 1 });
    expect(first.incident.state).toBe('running');
    const again = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'breach' }, mode: 'lock', expiresInSeconds: 86_400, reason: 'phished', dryRun: false, by: BY });
    expect(again).toMatchObject({ kind: 'running', incident: { id: started.incident.id } });
    const last = await t.app.incidents.run('demo', started.incident.id, BY);
    expect(last.incident.state).toBe('finished');
    expect(last.counts).toMatchObject({ total: 3, done: 2, failed: 0, skipped: 1, pending: 0 });

    for (const name of ['ivan', 'judy']) {
      expect(await mustChange(ids[name]!)).toBe(1);
      expect(await new SqlFraudStore(db()).isHeld('demo', ids[name]!)).toBe(true);
    }
    expect(await liveSessions(ids.ivan!)).toBe(0);
    expect(await mustChange(ids.kim!)).toBe(0);
    const notices = await outbox('incident_notice');
    expect(notices.map((n) => n.subject_id).sort()).toEqual([ids.ivan, ids.judy].sort());
    const hooks = await outbox('hook_event');
    expect(hooks.map((h) => h.subject_id).sort()).toEqual([ids.ivan, ids.judy].sort());
    const people = await audit('incident.person_reset');
    expect(people.map((p) => p.subject_id).sort()).toEqual([ids.ivan, ids.judy].sort());
    expect(people.every((p) => p.actor === 'cli:tester' && JSON.parse(p.details).incident === started.incident.id)).toBe(true);
    expect(await audit('incident.started')).toHaveLength(1);
    expect(JSON.parse((await audit('incident.finished'))[0]!.details)).toMatchObject({ incident: started.incident.id, done: 2, skipped: 1 });

    // The same command again: already done, nothing new.
    const twice = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'BREACH' }, mode: 'lock', expiresInSeconds: 86_400, reason: 'phished', dryRun: false, by: BY });
    expect(twice.kind).toBe('finished');
    await t.app.incidents.run('demo', started.incident.id, BY);
    expect(await outbox('incident_notice')).toHaveLength(2);

    // An operator ends it early: the holds go, the must-change mark stays.
    expect(await t.app.incidents.end('demo', started.incident.id, BY)).toEqual({ holds: 2, overrides: 0 });
    expect(await new SqlFraudStore(db()).isHeld('demo', ids.ivan!)).toBe(false);
    expect(await mustChange(ids.ivan!)).toBe(1);
    expect((await t.app.incidents.status('demo', started.incident.id))?.incident.state).toBe('ended');
    expect(await audit('incident.ended')).toHaveLength(1);
  });

  it('strict mode from a list: the reset policy of those people asks for two proofs, one strong, until it expires', async () => {
    const source = { kind: 'list' as const, name: 'people.csv', identifiers: [{ line: 2, value: 'KIM' }, { line: 3, value: 'nobody-here' }, { line: 4, value: 'kim@example.com' }] };
    const started = await t.app.incidents.start({ tenantId: 'demo', source, mode: 'strict', expiresInSeconds: 3600, reason: '', dryRun: false, by: BY });
    const rows = [];
    for await (const row of t.app.incidents.rows(started.incident.id)) rows.push(`${row.state}:${row.reason ?? ''}`);
    expect(rows).toEqual(['pending:', 'skipped:not_found', 'skipped:duplicate']);
    await t.app.incidents.run('demo', started.incident.id, BY);
    const overrides = new SqlIncidentStore(db(), t.clock);
    const kim = await t.accountOf('kim');
    const methods = { listForSubject: async () => [] } as unknown as MethodRepository;
    const decided = await personDecision({ methods, policyFor: t.app.policyFor, policyOverrides: overrides }, kim);
    expect(decided.decision).toMatchObject({ requiredMethods: 2, requireStrong: true });
    const plain = await personDecision({ methods, policyFor: t.app.policyFor, policyOverrides: overrides }, await t.accountOf('alice'));
    expect(plain.decision.requiredMethods).toBe(1);
    expect(await new SqlFraudStore(db()).isHeld('demo', kim.id)).toBe(false);
    t.clock.advance(3601);
    expect(await overrides.overrideFor('demo', kim.id)).toBeNull();
  });

  it('an incident hold ends by itself at its expiry', async () => {
    const hold = (subject: string, expiresAt: number) => ({ tenant_id: 'demo', subject_id: subject, reason: 'incident', flow_id: null, created_at: 1, expires_at: expiresAt, incident_id: 'x' });
    await db().insertInto('self_service_holds').values([hold('expired-one', Date.now() - 1000), hold('live-one', Date.now() + 3_600_000)]).execute();
    expect(await new SqlFraudStore(db()).isHeld('demo', 'expired-one')).toBe(false);
    expect(await new SqlFraudStore(db()).isHeld('demo', 'live-one')).toBe(true);
  });

  it('refuses bad input with invalid_request and an unknown incident with not_found', async () => {
    const base = { tenantId: 'demo', source: { kind: 'group' as const, group: 'breach' }, mode: 'lock' as const, reason: '', dryRun: true, by: BY };
    await expect(t.app.incidents.start({ ...base, expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'expires' } });
    await expect(t.app.incidents.start({ ...base, expiresInSeconds: 3600, reason: 'a\nb' })).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'reason' } });
    await expect(t.app.incidents.start({ ...base, expiresInSeconds: 3600, mode: 'open' as never })).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'mode' } });
    await expect(t.app.incidents.run('demo', 'nope', BY)).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.app.incidents.status('other', 'nope')).toBeNull();
  });
});

/** With SMS configured, each confirmed phone gets a short text too (the same outbox transaction as the mail). */
describe('incident notices by text message', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: 'http://127.0.0.1:9/unused', timeoutMs: 2000 }] } } as RawConfig });
  });
  afterAll(async () => t?.close());

  it('queues one text per confirmed phone and one mail per mailbox, once', async () => {
    const id = await t.app.users.insert({ tenantId: 'demo', username: 'pat', email: 'pat@example.com', groups: ['breach'], passwordHash: null }, t.clock.now());
    await t.app.admin!.methods.add({ tenantId: 'demo', subjectId: id, kind: 'sms_code', name: 'Mobile', data: { phone: '+447700900123' }, confirmed: true }, t.clock.now());
    await t.app.admin!.methods.add({ tenantId: 'demo', subjectId: id, kind: 'sms_code', name: 'Old mobile', data: { phone: '+447700900999' }, confirmed: false }, t.clock.now());
    const started = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'group', group: 'breach' }, mode: 'strict', expiresInSeconds: 3600, reason: '', dryRun: false, by: BY });
    await t.app.incidents.run('demo', started.incident.id, BY);
    const rows = await t.app.database.db.selectFrom('outbox').select(['channel', 'idempotency_key']).where('template', '=', 'incident_notice').orderBy('idempotency_key').execute();
    expect(rows.map((r) => r.channel)).toEqual(['email', 'sms']);
    const entry = await t.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'incident.person_reset').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.details)).toMatchObject({ notices: 2, mustChange: true });
  });
});

