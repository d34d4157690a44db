import { describe, expect, it } from 'vitest';
import { useLdapApp } from '../helpers/ldap-app.js';
import { POLICY_DN, slapdAvailable } from '../helpers/slapd.js';
import { shouldRun } from '../helpers/services.js';

const slapdUp = shouldRun('slapd', slapdAvailable());
const DAY = 86_400;

/**
 * Password expiry reminders against a real slapd whose ppolicy sets `pwdMaxAge`: the expiry is
 * `pwdChangedTime` + `pwdMaxAge`, read by the directory adapter. One mail per threshold and expiry, with a
 * link to /change; a new password (a new expiry) starts its reminders over. People without a
 * `pwdChangedTime` (expiry unknown) and members of excluded groups get none.
 */
describe.runIf(slapdUp)('expiry reminders on OpenLDAP (ppolicy pwdMaxAge)', () => {
  const env = useLdapApp({ directory: { passwordPolicyDn: POLICY_DN }, overrides: { reminders: { expiry: { enabled: true, thresholdsDays: [14, 7, 1] } } } });

  async function setBobPassword(password: string): Promise<void> {
    const directory = env.t.app.admin!.directory;
    const bob = (await directory.findByIdentifier('demo', 'bob'))!;
    const write = await directory.preparePasswordWrite(bob, password);
    await env.t.app.store.transaction((tx) => write.commit(tx));
  }

  it('mails once per threshold and expiry, and again after a new password', async () => {
    const { t, slapd } = env;
    await slapd.replace(POLICY_DN, 'pwdMaxAge', [String(10 * DAY)]);
    try {
      await setBobPassword('Bob-Expiring-2026-one!');
      const first = (await t.app.reminders.job.run())[0]!;
      expect(first.expiry).toMatchObject({ enabled: true, expiring: 1, sent: 1 });
      await t.deliverMail();
      let mails = await t.mailsTo('bob@example.org');
      expect(mails.length).toBe(1);
      expect(mails[0]!.subject).toBe('Demo Company: your password expires in 10 days');
      expect(mails[0]!.text).toMatch(/Change it before then: http:\/\/[^\s]+\/change/);

      // Same threshold again: nothing. Four days on, 6 days left: the 7-day reminder.
      expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(0);
      t.clock.advance(4 * DAY);
      expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(1);
      expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(0);

      // A new password now (real time) expires in 10 days of real time, which the app's clock, 4 days ahead,
      // sees as 6 days: the 7-day reminder of the NEW expiry goes out.
      // pwdChangedTime has whole seconds: let one pass so the new password has an expiry of its own.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await setBobPassword('Bob-Expiring-2026-two!');
      expect((await t.app.reminders.job.run())[0]!.expiry.sent).toBe(1);
      await t.deliverMail();
      mails = await t.mailsTo('bob@example.org');
      expect(mails.length).toBe(3);

      const audit = await t.app.database.db.selectFrom('audit_log').select(['details', 'subject_id']).where('event', '=', 'reminder.expiry_sent').execute();
      expect(audit.map((a) => (JSON.parse(a.details) as { threshold: number }).threshold)).toEqual([14, 7, 7]);
      // alice (excluded group `admins`) and the people whose expiry slapd cannot tell got nothing.
      expect(await t.mailsTo('Alice.Example@Example.org')).toEqual([]);
      expect(await t.mailsTo('dave@example.org')).toEqual([]);
    } finally {
      await slapd.replace(POLICY_DN, 'pwdMaxAge', []);
    }
  });
});
