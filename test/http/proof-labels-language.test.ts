import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';
import { ALICE, expectProblem, postJson, STRONG_PASSWORD, wrongCode } from './api-client.js';
import { personUrl, startHelpdesk } from './helpdesk-setup.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-proof-labels' };
const TWO_PROOFS: TestAppOptions = { overrides: { policy: { default: { requiredMethods: 2 } } } };
const GERMAN = { 'accept-language': 'de-CH, en;q=0.5' };

/** One installed text, straight from the catalogue file (so the test follows the translators' wording); flat or nested keys. */
const text = (lng: string, ns: string, key: string): string => {
  const texts = JSON.parse(readFileSync(new URL(`../../locales/${lng}/${ns}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
  if (typeof texts[key] === 'string') return texts[key];
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], texts) as string;
};

describe('texts from core in the person\'s language: proof choices, password reasons, a spent app code', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const get = (url: string, headers: Record<string, string> = {}) => t!.server.inject({ method: 'GET', url, headers });
  const start = async (identifier: string, headers: Record<string, string> = {}) =>
    ((await postJson(t!, '/api/v1/reset', { identifier }, headers)).json() as { flowId: string }).flowId;
  /** Registers an authenticator app named "Pixel"; `advance`: move on to the next 30-second step (the confirming code is then spent). */
  const registerTotp = async (username: string, advance = true): Promise<{ secret: string; confirmCode: string }> => {
    const account = await t!.accountOf(username);
    const enrollment = await t!.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    const confirmCode = totpAt(enrollment.secret, t!.clock.now().getTime());
    await t!.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: confirmCode, client });
    if (advance) t!.clock.advance(30);
    return { secret: enrollment.secret, confirmCode };
  };
  const backupCodes = async (username: string) => (await t!.app.methodRegistration.regenerateBackupCodes({ account: await t!.accountOf(username), client })).codes;

  it('the second-proof page words core\'s choices in the page\'s language, and again in another after a switch', async () => {
    t = await startTestApp(TWO_PROOFS);
    await registerTotp('carol');
    await backupCodes('carol');
    const v = new PortalVisitor(t, GERMAN);
    expect((await v.follow(await v.fill('/reset', { identifier: 'carol' }))).statusCode).toBe(200);
    const first = await v.post('/reset/code', { code: await t.codeFor('carol@example.com') });
    expect(first.headers.location).toBe('/reset/second');

    const german = visibleText((await v.follow(first)).body);
    expect(german).toContain('Authenticator-App „Pixel“');
    expect(german).toContain('Backup-Code (noch 10 übrig)');
    expect(german).not.toContain('Authenticator app');
    expect(german).not.toMatch(/Backup code \(/);

    // The choices ride in the flow cookie as data, so a switch of language half way words them anew.
    v.cookies.set('unlatch_lang', { value: 'fr', path: '/' });
    const french = visibleText((await v.get('/reset/second')).body);
    expect(french).toContain("Application d'authentification « Pixel »");
    expect(french).toContain('Code de secours (10 restants)');
    expect(french).not.toContain('Authenticator-App');
  });

  it('the API words the first step\'s choices by Accept-Language, the same for every identifier', async () => {
    t = await startTestApp({ overrides: { policy: { default: { allowedMethods: ['email_code', 'totp', 'backup_code'] } } } });
    await registerTotp('alice');
    const views = [];
    for (const identifier of ['alice', 'nosuchuser']) {
      const flowId = await start(identifier, GERMAN);
      views.push((await get(`/api/v1/reset/${flowId}`, GERMAN)).json() as { methods: unknown[] });
    }
    expect(views[0]!.methods).toEqual([
      { method: 'email_code', label: 'Der Code, den wir Ihnen per E-Mail gesendet haben' },
      { method: 'totp', label: 'Ein Code aus Ihrer Authenticator-App' },
      { method: 'backup_code', label: 'Einer Ihrer Backup-Codes' },
    ]);
    expect(views[1]!.methods).toEqual(views[0]!.methods);
    // Without a header: English, as before.
    const flowId = await start('alice');
    expect(((await get(`/api/v1/reset/${flowId}`)).json() as { methods: unknown[] }).methods).toContainEqual({ method: 'totp', label: 'A code from your authenticator app' });
  });

  it('the API words the second step\'s choices (the person\'s own, masked) by Accept-Language, in verify and in GET', async () => {
    t = await startTestApp(TWO_PROOFS);
    const { secret } = await registerTotp('carol');
    const flowId = await start('carol');
    const first = await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor('carol@example.com') }, GERMAN);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ next: 'verify_second', expiresAt: expect.any(String), methods: [{ method: 'totp', label: 'Authenticator-App „Pixel“' }] });
    expect(((await get(`/api/v1/reset/${flowId}`, { 'accept-language': 'es' })).json() as { methods: unknown[] }).methods).toEqual([{ method: 'totp', label: 'Aplicación de autenticación «Pixel»' }]);
    expect(((await get(`/api/v1/reset/${flowId}`)).json() as { methods: unknown[] }).methods).toEqual([{ method: 'totp', label: 'Authenticator app “Pixel”' }]);

    // The app first: the emailed code is offered next, its address masked, in the words of the language.
    t.clock.advance(30);
    const other = await start('carol');
    const viaApp = await postJson(t, `/api/v1/reset/${other}/verify`, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) }, { 'accept-language': 'ar' });
    expect(viaApp.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'email_code', label: expect.stringMatching(/^c•+@example\.com$/) }] });
  });

  it('the API gives a refused password\'s reasons in the request\'s language, worded as the portal words them', async () => {
    t = await startTestApp();
    const flowId = await start(ALICE.username);
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(ALICE.email) })).statusCode).toBe(200);
    const refused = await postJson(t, `/api/v1/reset/${flowId}/password`, { password: 'password123' }, GERMAN);
    const problem = expectProblem(refused, 422, 'password_rejected');
    expect(problem.title).toBe(text('de', 'errors', 'password_rejected'));
    expect(problem.reasons).toContainEqual({ code: 'too_common', message: text('de', 'portal', 'password.reasons.too_common') });

    const change = await postJson(t, '/api/v1/password/change', { identifier: ALICE.username, currentPassword: ALICE.password, newPassword: 'zq9#x' }, { 'accept-language': 'fr' });
    const reasons = expectProblem(change, 422, 'password_rejected').reasons as Array<{ code: string; message: string }>;
    expect(reasons).toContainEqual({ code: 'too_short', message: text('fr', 'portal', 'password.reasons.too_short').replace('{{min}}', '8').replace('{{actual}}', '5') });
    // English without a header, as before.
    const english = expectProblem(await postJson(t, `/api/v1/reset/${flowId}/password`, { password: 'password123' }), 422, 'password_rejected');
    expect(english.reasons).toContainEqual({ code: 'too_common', message: text('en', 'portal', 'password.reasons.too_common') });
    expect((await postJson(t, `/api/v1/reset/${flowId}/password`, { password: STRONG_PASSWORD })).statusCode).toBe(200);
  });

  it('the API answers the person\'s own spent app code with code_already_used and no attempt spent; a wrong code and a decoy get code_invalid', async () => {
    t = await startTestApp();
    // The code that just registered the app is spent: within its 30 seconds it can only say "wait for the next one".
    const { secret, confirmCode } = await registerTotp('alice', false);
    const flowId = await start('alice');
    const max = ((await get(`/api/v1/reset/${flowId}`)).json() as { attemptsLeft: number }).attemptsLeft;
    const spent = expectProblem(await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'totp', code: confirmCode }, GERMAN), 422, 'code_already_used');
    expect(spent).toMatchObject({ attemptsLeft: max, title: text('de', 'errors', 'code_already_used') });
    const wrong = expectProblem(await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'totp', code: wrongCode(confirmCode) }), 422, 'code_invalid');
    expect(wrong.attemptsLeft).toBe(max - 1);

    // Others presenting the same code learn nothing: a decoy and a person without that app get code_invalid.
    for (const identifier of ['nosuchuser', 'bob']) {
      const other = await start(identifier);
      expectProblem(await postJson(t, `/api/v1/reset/${other}/verify`, { method: 'totp', code: confirmCode }), 422, 'code_invalid');
    }

    // The next code works; presented again in its own window (another flow), it is spent in turn.
    t.clock.advance(30);
    const next = totpAt(secret, t.clock.now().getTime());
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'totp', code: next })).json()).toMatchObject({ next: 'set_password' });
    const again = await start('alice');
    expectProblem(await postJson(t, `/api/v1/reset/${again}/verify`, { method: 'totp', code: next }), 422, 'code_already_used');
  });
});

describe('the helpdesk\'s check options: core gives names, masked destinations and counts; the console words them', () => {
  it('in the operator\'s language', async () => {
    const f = await startHelpdesk();
    try {
      const hal = f.visitors.get('hal')!;
      const english = visibleText((await hal.get(personUrl(f.alice.id))).body);
      expect(english).toContain(`${text('en', 'admin', 'kinds.totp')}: Phone app`);
      expect(english).toContain(`${text('en', 'admin', 'kinds.backup_code')}: 3 unused`);
      hal.cookies.set('unlatch_lang', { value: 'de', path: '/' });
      const german = visibleText((await hal.get(personUrl(f.alice.id))).body);
      expect(german).toContain(`${text('de', 'admin', 'kinds.backup_code')}: 3 unbenutzt`);
      expect(german).not.toContain('unused');
    } finally {
      await f.close();
    }
  });
});
