import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The built-in directory's `maxPasswordAgeDays` through the whole app: the expiry reminder job (issue 10,
 * item 6) sees the demo people's passwords expire that many days after they were set, mails each once per
 * threshold with a link to /change, and a new password starts a new age. On SQLite and PostgreSQL.
 */

const DAY = 86_400;
const pgAvailable = shouldRun('PostgreSQL', await postgresAvailable());

for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgAvailable)(`built-in directory password age and expiry reminders (${database})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({
        database,
        overrides: {
          tenants: [{ id: 'demo', name: 'Demo Company', directories: [{ type: 'builtin', maxPasswordAgeDays: 10 }] }],
          defaultTenant: 'demo',
          reminders: { expiry: { enabled: true, thresholdsDays: [14, 7, 1] } },
        },
      });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('each person is reminded once per threshold; a new password is a new expiry with reminders of its own', async () => {
      const directory = t.app.admin!.directory;
      const bob = (await directory.findByIdentifier('demo', 'bob'))!;
      const details = await directory.accountDetails!(bob);
      expect(details.passwordExpiresAt!.getTime()).toBe(details.passwordLastSetAt!.getTime() + 10 * DAY * 1000);

      const first = (await t.app.reminders.job.run())[0]!;
      expect(first.expiry.sent).toBe(first.expiry.expiring);
      expect(first.expiry.sent).toBeGreaterThanOrEqual(3);
      await t.deliverMail();
      for (const address of ['alice@example.com', 'bob@example.com', 'carol@example.com']) {
        const mails = await t.mailsTo(address);
        expect(mails.length, address).toBe(1);
        expect(mails[0]!.subject).toMatch(/your password expires in (9|10) days/);
        expect(mails[0]!.text).toMatch(/\/change/);
      }
      expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(0);

      // Bob sets a new password four days on: his expiry moves, the others get their 7-day reminder.
      t.clock.advance(4 * DAY);
      await t.app.store.transaction(async (tx) => (await directory.preparePasswordWrite(bob, 'Bob-Fresh-Password-2026!')).commit(tx));
      const renewed = await directory.accountDetails!(bob);
      expect(renewed.passwordExpiresAt!.getTime()).toBe(renewed.passwordLastSetAt!.getTime() + 10 * DAY * 1000);
      expect(renewed.passwordLastSetAt!.getTime()).toBeGreaterThan(details.passwordLastSetAt!.getTime());
      await t.app.reminders.job.run();
      await t.deliverMail();
      expect((await t.mailsTo('alice@example.com')).length).toBe(2);
      // Ten days from now: within 14, a new expiry, so its own 14-day reminder.
      expect((await t.mailsTo('bob@example.com')).length).toBe(2);
      expect((await t.mailsTo('bob@example.com'))[0]!.subject).toMatch(/expires in 10 days/);
    });
  });
}
