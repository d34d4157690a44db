import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-methods' };

describe('JSON API: resetting with an authenticator app or a backup code, and two-proof policies', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const post = (url: string, payload: object) => t!.server.inject({ method: 'POST', url, payload });
  const start = async (identifier: string) => ((await post('/api/v1/reset', { identifier })).json() as { flowId: string }).flowId;
  const accountOf = (username: string) => t!.accountOf(username);
  const registerTotp = async (username: string) => {
    const account = await accountOf(username);
    const enrollment = await t!.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t!.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t!.clock.now().getTime()), client });
    t!.clock.advance(30);
    return enrollment.secret;
  };
  const now = () => t!.clock.now().getTime();

  it('resets with an authenticator app code instead of the emailed one; the code works once', async () => {
    t = await startTestApp();
    const secret = await registerTotp('alice');
    const flowId = await start('alice');
    const code = totpAt(secret, now());
    const verified = await post(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code });
    expect(verified.statusCode).toBe(200);
    expect((verified.json() as { next: string }).next).toBe('set_password');
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: 'amber quarry falcon 28' })).statusCode).toBe(200);

    // The same code again, in its own 30 seconds: the person's app, a step already spent (wait for the next code).
    const again = await start('alice');
    const replay = await post(`/api/v1/reset/${again}/verify`, { method: 'totp', code });
    expect(replay.statusCode).toBe(422);
    expect((replay.json() as { code: string }).code).toBe('code_already_used');
    // After its window it is only a wrong code.
    t.clock.advance(90);
    const late = await post(`/api/v1/reset/${again}/verify`, { method: 'totp', code });
    expect((late.json() as { code: string }).code).toBe('code_invalid');
  });

  it('resets with a backup code, once', async () => {
    t = await startTestApp();
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account: await accountOf('bob'), client });
    const first = await start('bob');
    expect((await post(`/api/v1/reset/${first}/verify`, { method: 'backup_code', code: codes[3]! })).statusCode).toBe(200);
    const second = await start('bob');
    expect((await post(`/api/v1/reset/${second}/verify`, { method: 'backup_code', code: codes[3]! })).statusCode).toBe(422);
  });

  it('lists the same first-proof methods for every identifier before any proof', async () => {
    t = await startTestApp({ overrides: { policy: { default: { allowedMethods: ['email_code', 'totp'] } } } });
    await registerTotp('alice');
    const views = [];
    for (const identifier of ['alice', 'bob', 'nosuchuser']) {
      views.push((await t.server.inject({ method: 'GET', url: `/api/v1/reset/${await start(identifier)}` })).json() as { methods: unknown[] });
    }
    expect(views[0]!.methods).toEqual([
      { method: 'email_code', label: 'The code we emailed you' },
      { method: 'totp', label: 'A code from your authenticator app' },
    ]);
    expect(views[1]!.methods).toEqual(views[0]!.methods);
    expect(views[2]!.methods).toEqual(views[0]!.methods);
  });

  it('treats a method the person does not have like a wrong code, for real and unknown accounts alike', async () => {
    t = await startTestApp();
    const answers = [];
    for (const identifier of ['carol', 'nosuchuser']) {
      const flowId = await start(identifier);
      answers.push(await post(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code: '123456' }));
    }
    for (const answer of answers) expect(answer.statusCode).toBe(422);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(answers[0]!.json())).toEqual(strip(answers[1]!.json()));
  });

  it('with two proofs required, asks for a second of another kind and shows the choices masked only then', async () => {
    t = await startTestApp({ overrides: { policy: { default: { requiredMethods: 2 } } } });
    const secret = await registerTotp('carol');

    // Emailed code first: the authenticator app is offered next, the mailbox is not (same family).
    const flowId = await start('carol');
    const emailed = await t.codeFor('carol@example.com');
    const first = await post(`/api/v1/reset/${flowId}/verify`, { code: emailed });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'totp', label: 'Authenticator app “Pixel”' }] });
    expect((await t.server.inject({ method: 'GET', url: `/api/v1/reset/${flowId}` })).json()).toMatchObject({
      next: 'verify_second',
      methods: [{ method: 'totp', label: 'Authenticator app “Pixel”' }],
    });
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: 'amber quarry falcon 28' })).statusCode).toBe(409);
    expect((await post(`/api/v1/reset/${flowId}/verify`, { code: emailed })).statusCode).toBe(422);
    const second = await post(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code: totpAt(secret, now()) });
    expect(second.json()).toMatchObject({ next: 'set_password' });

    // The other way round: the app first, then the emailed code, offered as a masked address.
    t.clock.advance(30);
    const other = await start('carol');
    const viaApp = await post(`/api/v1/reset/${other}/verify`, { method: 'totp', code: totpAt(secret, now()) });
    expect(viaApp.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'email_code', label: 'c•••@example.com' }] });
    const code = await t.codeFor('carol@example.com');
    expect((await post(`/api/v1/reset/${other}/verify`, { method: 'email_code', code })).json()).toMatchObject({ next: 'set_password' });
  });

  it('with two proofs required and only an email address, says there is nothing left to prove with', async () => {
    t = await startTestApp({ overrides: { policy: { default: { requiredMethods: 2 } } } });
    const flowId = await start('bob');
    const answer = await post(`/api/v1/reset/${flowId}/verify`, { code: await t.codeFor('bob@example.com') });
    expect(answer.json()).toMatchObject({ next: 'verify_second', methods: [] });
  });
});
