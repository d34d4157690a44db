import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/adapters/store/housekeeping.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const DAY = 86_400_000;
const options = { outboxRetentionDays: 7, devOutboxKeep: 500 };

describe.each([
  ['sqlite', true],
  ['postgres', pgUp],
] as const)('housekeeping on %s', (database, available) => {
  let t: TestApp;
  beforeAll(async () => {
    if (available) t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)('removes long-expired flows and old delivered mail, keeps live flows and the audit log', async () => {
    const start = async () => (await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'carol' } })).json() as { flowId: string };
    await start();
    await t.deliverMail();
    const db = t.app.database.db;
    const auditBefore = (await db.selectFrom('audit_log').select('seq').execute()).length;

    // Nothing is old enough yet.
    expect(await purgeExpired(db, t.clock.now(), options)).toMatchObject({ flows: 0, outbox: 0, devOutbox: 0 });

    t.clock.advance(8 * 86_400);
    const live = await start();
    const report = await purgeExpired(db, t.clock.now(), { outboxRetentionDays: 7, devOutboxKeep: 1 });
    expect(report.flows).toBe(1);
    expect(report.outbox).toBe(1);
    expect((await db.selectFrom('reset_flows').select('id').execute()).length).toBe(1);
    expect((await db.selectFrom('audit_log').select('seq').execute()).length).toBeGreaterThan(auditBefore);
    const view = await t.server.inject({ method: 'GET', url: `/api/v1/reset/${live.flowId}` });
    expect(view.statusCode).toBe(200);
  });

  it.runIf(available)('removes helpdesk rows and expiry reminders past their retention, keeps recent, live and enrolment rows', async () => {
    const db = t.app.database.db;
    const now = t.clock.now().getTime();
    const ago = (days: number) => now - days * DAY;

    const check = (id: string, state: string, expiresAt: number, validUntil: number | null) => ({
      id, tenant_id: 'demo', subject_id: 's1', agent: 'agent', ticket: 'T-1', method_kind: 'sms', method_id: 'm1', state,
      code_hash: null, code_key_id: null, attempts: 0, created_at: expiresAt - 600_000, expires_at: expiresAt, passed_at: null, valid_until: validUntil,
    });
    await db.insertInto('helpdesk_checks').values([
      check('c-failed-old', 'failed', ago(31), null),
      check('c-passed-old', 'passed', ago(40), ago(31)),
      check('c-failed-recent', 'failed', ago(29), null),
      // Answered long ago, but still valid within the retention: kept.
      check('c-passed-recent', 'passed', ago(40), ago(29)),
      check('c-pending-live', 'pending', now + 600_000, null),
    ]).execute();

    const pass = (id: string, fields: { expires: number; usesLeft?: number; used?: number | null; revoked?: number | null }) => ({
      id, tenant_id: 'demo', subject_id: 's1', pass_hash: id.padEnd(64, '0'), created_by: 'agent', created_at: fields.expires - 3_600_000,
      expires_at: fields.expires, uses_left: fields.usesLeft ?? 1, used_at: fields.used ?? null, revoked_at: fields.revoked ?? null,
    });
    await db.insertInto('access_passes').values([
      pass('p-expired-old', { expires: ago(31) }),
      pass('p-spent-old', { expires: ago(30.5), usesLeft: 0, used: ago(31) }),
      pass('p-revoked-old', { expires: ago(30.5), revoked: ago(31) }),
      pass('p-expired-recent', { expires: ago(29) }),
      pass('p-spent-recent', { expires: ago(28.9), usesLeft: 0, used: ago(29) }),
      pass('p-live', { expires: now + 3_600_000 }),
    ]).execute();

    const request = (id: string, state: string, expiresAt: number, decidedAt: number | null = null, usedAt: number | null = null) => ({
      id, tenant_id: 'demo', subject_id: 's1', agent: 'agent', agent_name: 'Agent', ticket: 'T-1', action: 'unlock', params: '{}', state,
      created_at: expiresAt - 3_600_000, expires_at: expiresAt, decided_by: decidedAt === null ? null : 'admin', decided_at: decidedAt, used_at: usedAt,
    });
    await db.insertInto('helpdesk_requests').values([
      request('r-refused-old', 'refused', ago(31), ago(31.01)),
      request('r-used-old', 'used', ago(31), ago(31.02), ago(31.01)),
      request('r-expired-old', 'expired', ago(31)),
      request('r-used-recent', 'used', ago(29), ago(29.02), ago(29.01)),
      // Late but not yet marked expired (the console audits that when it lists them): kept.
      request('r-pending-late', 'pending', ago(60)),
      request('r-approved-late', 'approved', ago(60), ago(60.1)),
    ]).execute();

    const reminder = (subjectId: string, kind: string, round: string, sentAt: number) => ({ tenant_id: 'demo', subject_id: subjectId, kind, round_key: round, sent_at: sentAt, mailed: 1 });
    const recentRound = `${new Date(ago(398)).toISOString()}/1d`;
    await db.insertInto('reminders_sent').values([
      reminder('s1', 'expiry', `${new Date(ago(390)).toISOString()}/14d`, ago(401)),
      reminder('s1', 'expiry', recentRound, ago(399)),
      reminder('s2', 'enrolment', 'seen', ago(900)),
      reminder('s2', 'enrolment', 'r1', ago(800)),
    ]).execute();
    const auditBefore = (await db.selectFrom('audit_log').select('seq').execute()).length;

    const report = await purgeExpired(db, t.clock.now(), options);
    expect(report).toMatchObject({ helpdeskChecks: 2, accessPasses: 3, helpdeskRequests: 3, expiryReminders: 1 });

    const ids = async (table: 'helpdesk_checks' | 'access_passes' | 'helpdesk_requests') => (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
    expect(await ids('helpdesk_checks')).toEqual(['c-failed-recent', 'c-passed-recent', 'c-pending-live']);
    expect(await ids('access_passes')).toEqual(['p-expired-recent', 'p-live', 'p-spent-recent']);
    expect(await ids('helpdesk_requests')).toEqual(['r-approved-late', 'r-pending-late', 'r-used-recent']);
    const reminders = await db.selectFrom('reminders_sent').select(['subject_id', 'kind', 'round_key']).orderBy('subject_id').orderBy('round_key').execute();
    expect(reminders.map((r) => `${r.subject_id} ${r.kind} ${r.round_key}`)).toEqual([`s1 expiry ${recentRound}`, 's2 enrolment r1', 's2 enrolment seen']);
    expect((await db.selectFrom('audit_log').select('seq').execute()).length).toBe(auditBefore);

    // A second run finds nothing more.
    expect(await purgeExpired(db, t.clock.now(), options)).toMatchObject({ helpdeskChecks: 0, accessPasses: 0, helpdeskRequests: 0, expiryReminders: 0 });
  });
});
