import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

describe('portal: what the policy asks on the security info page', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const signIn = async (v: PortalVisitor) => {
    await v.get('/security-info/sign-in');
    return v.follow(await v.post('/security-info/sign-in', { identifier: 'alice', password: 'violet sandwich glacier' }));
  };

  it('says more methods are needed when the policy requires registration and two proofs', async () => {
    t = await startTestApp({ overrides: { policy: { default: { registrationRequired: true, requiredMethods: 2 } } } });
    const page = await signIn(new PortalVisitor(t));
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('asks you to register more ways to confirm');
  });

  it('asks to re-confirm after the configured days and thanks the person once they do', async () => {
    t = await startTestApp({ overrides: { policy: { default: { reconfirmDays: 30 } } } });
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.post('/security-info/backup-codes', {})).statusCode).toBe(200);
    let page = await v.get('/security-info');
    expect(visibleText(page.body)).not.toContain('still yours and still work');

    t.clock.advance(31 * 86_400);
    page = await v.get('/security-info');
    // Sessions last minutes, not a month: the person signs in again, with a backup code.
    expect(page.statusCode).toBe(303);
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({
      account: await t.accountOf('alice'),
      client: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-review-test' },
    });
    // A new set counts as a review: move past the interval again.
    t.clock.advance(31 * 86_400);
    await v.get('/security-info/sign-in');
    const verify = await v.follow(await v.post('/security-info/sign-in', { identifier: 'alice', password: 'violet sandwich glacier' }));
    expect(verify.statusCode).toBe(200);
    page = await v.follow(await v.post('/security-info/verify', { method: 'backup_code', code: codes[0]! }));
    expect(visibleText(page.body)).toContain('still yours and still work');
    page = await v.follow(await v.post('/security-info/review', {}));
    expect(visibleText(page.body)).toContain('confirmed as current');
    expect(visibleText(page.body)).not.toContain('still yours and still work');
  });
});

