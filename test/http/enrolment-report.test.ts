import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const CLIENT = { ip: '192.0.2.10', userAgent: 'test', correlationId: 'enrolment-report' };

/**
 * The console's enrolment counts: after a reminder round and a registration, the enrolment report lists who
 * still lacks methods with the reminders each got and whether they are overdue (the deadline is past), counts
 * reminders per round, and the coverage report marks the same people overdue.
 */
describe('enrolment report in the console', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'unlatch-admins', role: 'admin' }] }],
        enrolment: { reminders: { enabled: true }, registrationDeadline: '2020-01-01' },
      },
    });
    await t.app.reminders.job.run();
    await t.app.methodRegistration.regenerateBackupCodes({ account: await t.accountOf('carol'), client: CLIENT });
    operator = new PortalVisitor(t);
    t.clock.advance(31);
    await operator.get('/admin/sign-in');
    await operator.post('/admin/sign-in', { username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    await operator.get('/admin/sign-in/verify');
    await operator.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
  });
  afterAll(async () => t?.close());

  const csvRows = (body: string) => body.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.split(','));

  it('shows who still lacks methods, their reminders and the overdue mark', async () => {
    const page = await operator.get('/admin/t/demo/reports/enrolment');
    expect(page.statusCode, page.body.slice(0, 500)).toBe(200);
    const text = visibleText(page.body);
    expect(text).toMatch(/Not enough methods\s*2/);
    expect(text).toMatch(/Enough methods\s*2/);
    expect(text).toMatch(/Overdue \(deadline passed\)\s*2/);
    // The deadline had passed at the first run: three overdue reminders, round o1.
    expect(text).toMatch(/Enrolment reminders sent\s*3/);
    expect(page.body).toMatch(/<th scope="row">o1<\/th><td data-value="3">3<\/td>/);

    const csv = csvRows((await operator.get('/admin/t/demo/reports/enrolment.csv')).body);
    expect(csv[0]).toEqual(['username', 'display_name', 'email', 'groups', 'missing', 'reminders_sent', 'last_reminder', 'overdue', 'account_id']);
    const rows = csv.slice(1).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(rows.map((r) => [r[0], r[4], r[5], r[7]])).toEqual([['alice', '1', '1', 'yes'], ['bob', '1', '1', 'yes']]);

    const coverage = csvRows((await operator.get('/admin/t/demo/reports/coverage.csv')).body);
    expect(coverage.slice(1).map((r) => r[5])).toEqual(['yes', 'yes']);
  });

  it('the overdue reminder mail says the deadline has passed', async () => {
    await t.deliverMail();
    const mail = (await t.mailsTo('alice@example.com'))[0]!;
    expect(mail.subject).toBe('Demo: registering a way to reset your password is overdue');
    expect(mail.text).toContain('The deadline to register was 2020-01-01.');
  });
});
