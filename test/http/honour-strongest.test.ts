import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-honour' };
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;
const PASSWORD = 'amber quarry falcon 28';

describe.each(databases)('honourStrongest: a reset is never weaker than the person’s strongest method (%s)', (database) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const post = (url: string, payload: object) => t!.server.inject({ method: 'POST', url, payload });
  const start = async (identifier: string) => ((await post('/api/v1/reset', { identifier })).json() as { flowId: string }).flowId;
  const registerTotp = async (username: string) => {
    const account = await t!.accountOf(username);
    const enrollment = await t!.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t!.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t!.clock.now().getTime()), client });
    t!.clock.advance(30);
    return enrollment.secret;
  };
  const emailedCode = async (flowId: string) => {
    const verified = await post(`/api/v1/reset/${flowId}/verify`, { code: await t!.codeFor('carol@example.com') });
    expect(verified.statusCode).toBe(200);
    return verified.json() as { next: string; methods?: Array<{ method: string }> };
  };

  it('with an authenticator app, the emailed code alone cannot set a password; a backup code completes it', async () => {
    t = await startTestApp({ database });
    await registerTotp('carol');
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account: await t.accountOf('carol'), client });

    const flowId = await start('carol');
    const first = await emailedCode(flowId);
    // Default policy, one proof needed: still a second proof, offered only the strong app and the backup codes.
    expect(first.next).toBe('verify_second');
    expect(first.methods!.map((m) => m.method)).toEqual(['totp', 'backup_code']);
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(409);

    const second = await post(`/api/v1/reset/${flowId}/verify`, { method: 'backup_code', code: codes[0]! });
    expect(second.json()).toMatchObject({ next: 'set_password' });
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(200);
  });

  it('with a passkey, the emailed code alone cannot set a password; a backup code completes it', async () => {
    t = await startTestApp({ database });
    const carol = await t.accountOf('carol');
    // Holding a passkey is what counts here (it is never used in this reset): its row as registration stores it.
    const credential = { credentialId: 'Y3JlZGVudGlhbC1vZi1jYXJvbA', publicKey: 'cHVibGljLWtleS1vZi1jYXJvbA', counter: 0, transports: ['usb'] };
    await t.app.admin!.methods.add({ tenantId: 'demo', subjectId: carol.id, kind: 'webauthn', name: 'YubiKey', data: credential, confirmed: true }, t.clock.now());
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account: carol, client });

    const flowId = await start('carol');
    const first = await emailedCode(flowId);
    expect(first.next).toBe('verify_second');
    expect(first.methods!.map((m) => m.method)).toEqual(['webauthn', 'backup_code']);
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(409);
    const second = await post(`/api/v1/reset/${flowId}/verify`, { method: 'backup_code', code: codes[0]! });
    expect(second.json()).toMatchObject({ next: 'set_password' });
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(200);
  });

  it('with an authenticator app, the app alone completes the reset in one step', async () => {
    t = await startTestApp({ database });
    const secret = await registerTotp('carol');
    const flowId = await start('carol');
    const verified = await post(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) });
    expect(verified.json()).toMatchObject({ next: 'set_password' });
  });

  it('offers no weaker second proof: a texted code does not complete it (the phone is not even a choice)', async () => {
    t = await startTestApp({ database, overrides: { policy: { default: { directoryPhone: true } } } });
    await registerTotp('carol');
    const flowId = await start('carol');
    const first = await emailedCode(flowId);
    expect(first.next).toBe('verify_second');
    expect(first.methods!.map((m) => m.method)).toEqual(['totp']);
    const sms = await post(`/api/v1/reset/${flowId}/sms`, { methodId: 'directory-phone' });
    expect(sms.statusCode).toBe(404);
  });

  it('honourStrongest: false restores the old behaviour (the emailed code alone is enough)', async () => {
    t = await startTestApp({ database, overrides: { policy: { default: { honourStrongest: false } } } });
    await registerTotp('carol');
    const flowId = await start('carol');
    expect((await emailedCode(flowId)).next).toBe('set_password');
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(200);
  });

  it('a rule turns it off only for the people it matches', async () => {
    const rules = (groups: string[] | null) => [groups ? { groups, honourStrongest: false } : { match: 'all' as const, honourStrongest: false }];
    for (const [rule, next] of [[rules(['kiosk-staff']), 'verify_second'], [rules(null), 'set_password']] as const) {
      t = await startTestApp({ database, overrides: { policy: { tenants: { demo: { rules: rule } } } } });
      await registerTotp('carol');
      expect((await emailedCode(await start('carol'))).next).toBe(next);
      await t.close();
      t = undefined;
    }
  });

  it('a person without a strong method resets with the emailed code alone, as before', async () => {
    t = await startTestApp({ database });
    await t.app.methodRegistration.regenerateBackupCodes({ account: await t.accountOf('carol'), client });
    expect((await emailedCode(await start('carol'))).next).toBe('set_password');
  });
});
