import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const DAY = 86_400;
const CLIENT = { ip: '192.0.2.10', userAgent: 'test', correlationId: 'reminders' };

/**
 * Enrolment reminders end to end on the real store (SQLite and PostgreSQL): the demo people have no method of
 * their own, so each gets one reminder per round, through the outbox, audited; a second run in the same round
 * sends nothing; a person who registers gets none after; at most `maxReminders`.
 */
describe.each([
  ['sqlite', true],
  ['postgres', pgUp],
] as const)('enrolment reminders on %s', (database, available) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp({
      database,
      overrides: { enrolment: { reminders: { enabled: true, everyDays: 7, maxReminders: 2 } } },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)('one reminder per round, none after registering, at most maxReminders', async () => {
    const first = await t.app.reminders.job.run();
    const demo = first.find((r) => r.tenantId === 'demo')!;
    // alice, bob and carol have no methods; the demo operator has an authenticator app.
    expect(demo.enrolment).toMatchObject({ enabled: true, uncovered: 3, sent: 3, overdue: 0 });
    await t.deliverMail();
    const mails = await t.mailsTo('alice@example.com');
    expect(mails.length).toBe(1);
    expect(mails[0]!.subject).toBe('Demo Company: please register a way to reset your password');
    expect(mails[0]!.text).toContain('/security-info');
    expect(await t.mailsTo('opal@example.com')).toEqual([]);

    // The same round again: recorded already, nothing more.
    expect((await t.app.reminders.job.run())[0]!.enrolment.sent).toBe(0);

    // Bob registers backup codes; a week later only alice and carol hear again.
    await t.app.methodRegistration.regenerateBackupCodes({ account: await t.accountOf('bob'), client: CLIENT });
    t.clock.advance(7 * DAY);
    const second = (await t.app.reminders.job.run())[0]!;
    expect(second.enrolment).toMatchObject({ uncovered: 2, sent: 2 });
    await t.deliverMail();
    expect((await t.mailsTo('alice@example.com')).length).toBe(2);
    expect((await t.mailsTo('bob@example.com')).filter((m) => /register a way/.test(m.subject)).length).toBe(1);

    // maxReminders is 2: a third week brings nothing.
    t.clock.advance(7 * DAY);
    expect((await t.app.reminders.job.run())[0]!.enrolment.sent).toBe(0);

    const audit = await t.app.database.db.selectFrom('audit_log').select(['actor', 'subject_id', 'details']).where('event', '=', 'reminder.enrolment_sent').execute();
    expect(audit.length).toBe(5);
    expect(audit.every((a) => a.actor === 'system')).toBe(true);
    expect(audit.map((a) => (JSON.parse(a.details) as { round: string }).round).sort()).toEqual(['r1', 'r1', 'r1', 'r2', 'r2']);
    // No address in the audit details.
    expect(audit.some((a) => a.details.includes('@'))).toBe(false);
  });
});

/**
 * Two app instances on one PostgreSQL database run the job at the same moment: each reminder still goes out
 * once (the recorded round decides), and the in-process rounds are claimed by one node.
 */
describe.runIf(pgUp)('enrolment reminders across two nodes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ database: 'postgres', overrides: { enrolment: { reminders: { enabled: true, everyDays: 1, maxReminders: 5 } } } });
    b = await startTestApp({
      overrides: {
        dataDir: a.config.dataDir,
        database: { url: a.config.database.url! },
        enrolment: { reminders: { enabled: true, everyDays: 1, maxReminders: 5 } },
      },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('sends each reminder once when both run the job concurrently', async () => {
    const [ra, rb] = await Promise.all([a.app.reminders.job.run(), b.app.reminders.job.run()]);
    expect(ra[0]!.enrolment.sent + rb[0]!.enrolment.sent).toBe(3);
    await Promise.all([a.deliverMail(), b.deliverMail()]);
    for (const to of ['alice@example.com', 'bob@example.com', 'carol@example.com']) expect((await a.mailsTo(to)).length).toBe(1);
    const rows = await a.app.database.db.selectFrom('reminders_sent').selectAll().where('mailed', '=', 1).execute();
    expect(rows.length).toBe(3);
  });

  it('lets one node run each in-process round', async () => {
    a.clock.advance(DAY);
    b.clock.advance(DAY);
    expect(a.app.reminders.loop).not.toBeNull();
    const ran = await Promise.all([a.app.reminders.loop!.runOnce(), b.app.reminders.loop!.runOnce()]);
    expect(ran[0] + ran[1]).toBe(1);
    await Promise.all([a.deliverMail(), b.deliverMail()]);
    expect((await a.mailsTo('alice@example.com')).length).toBe(2);
    const audit = await a.app.database.db.selectFrom('audit_log').select('event').where('event', '=', 'reminder.enrolment_sent').execute();
    expect(audit.length).toBe(6);
  });
});
