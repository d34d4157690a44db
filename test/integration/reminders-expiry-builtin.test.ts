import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const DAY = 86_400;

/**
 * Expiry reminders on the built-in store with `maxPasswordAgeDays` (SQLite and PostgreSQL): the demo people's
 * passwords were set at the start, so 17 days on, with 30 days of age, everyone is inside the 14-day threshold;
 * a new password moves its owner's expiry, so only the others get the 7-day reminder later.
 */
describe.each([
  ['sqlite', true],
  ['postgres', pgUp],
] as const)('expiry reminders on the built-in store (%s)', (database, available) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp({
      database,
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', directories: [{ type: 'builtin', maxPasswordAgeDays: 30 }] }],
        defaultTenant: 'demo',
        reminders: { expiry: { enabled: true } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)('mails each threshold once, and a new password starts over', async () => {
    expect((await t.app.reminders.job.run())[0]!.expiry).toMatchObject({ expiring: 0, sent: 0 });
    t.clock.advance(17 * DAY);
    const first = (await t.app.reminders.job.run())[0]!.expiry;
    expect(first).toMatchObject({ expiring: 4, sent: 4 });
    expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(0);
    await t.deliverMail();
    const mail = (await t.mailsTo('bob@example.com'))[0]!;
    expect(mail.subject).toBe('Demo Company: your password expires in 13 days');
    expect(mail.html).toContain('/change');

    // Alice sets a new password: 30 more days for her.
    const directory = t.app.admin!.directory;
    const alice = (await directory.findByIdentifier('demo', 'alice'))!;
    const write = await directory.preparePasswordWrite(alice, 'a brand new passphrase for alice');
    await t.app.store.transaction((tx) => write.commit(tx));

    t.clock.advance(10 * DAY);
    const second = (await t.app.reminders.job.run())[0]!.expiry;
    expect(second).toMatchObject({ expiring: 3, sent: 3 });
    await t.deliverMail();
    expect((await t.mailsTo('alice@example.com')).length).toBe(1);
    expect((await t.mailsTo('bob@example.com')).map((m) => m.subject)).toEqual([
      'Demo Company: your password expires in 3 days',
      'Demo Company: your password expires in 13 days',
    ]);
  });
});
