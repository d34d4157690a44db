import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';
import { STRONG_PASSWORD, wrongCode } from './api-client.js';
import { PortalVisitor, setCookies, visibleText, expectLabelledControls } from './portal-forms.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-portal-methods' };
const TWO_PROOFS: TestAppOptions = { overrides: { policy: { default: { requiredMethods: 2 } } } };

/** A page without what differs between two visits by design: CSRF tokens, request references, the clock time. */
const normalize = (html: string) =>
  html.replace(/value="[^"]*"/g, 'value=""').replace(/reference [\w-]+/g, '').replace(/\d\d:\d\d UTC/g, 'HH:MM UTC');


function inputAttrs(html: string, id: string): string {
  const attrs = [...html.matchAll(/<input\b([^>]*)>/g)].map((m) => m[1] ?? '').find((a) => a.includes(`id="${id}"`));
  if (attrs === undefined) throw new Error(`no input #${id}`);
  return attrs;
}

describe('portal: resetting with an authenticator app or a backup code, and a second proof', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const accountOf = (username: string) => t!.accountOf(username);
  /** Registers an authenticator app and moves the clock to the next step, so the confirming code is not replayed. */
  const registerTotp = async (username: string): Promise<string> => {
    const account = await accountOf(username);
    const enrollment = await t!.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t!.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t!.clock.now().getTime()), client });
    t!.clock.advance(30);
    return enrollment.secret;
  };
  const totpNow = (secret: string) => totpAt(secret, t!.clock.now().getTime());
  /** A visitor at the code page of a reset started for `identifier`. */
  const startedFor = async (identifier: string): Promise<PortalVisitor> => {
    const v = new PortalVisitor(t!);
    const started = await v.fill('/reset', { identifier });
    expect(started.headers.location).toBe('/reset/code');
    expect((await v.follow(started)).statusCode).toBe(200);
    return v;
  };
  const setPassword = async (v: PortalVisitor) => {
    expect((await v.get('/reset/password')).statusCode).toBe(200);
    const done = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/reset/done');
    expect(visibleText((await v.follow(done)).body)).toContain('Your password has been reset');
  };

  it('offers every identifier the same other ways on the code page, and resets alice with her authenticator app', async () => {
    t = await startTestApp();
    const secret = await registerTotp('alice');
    const v = await startedFor('alice');
    const codePage = v.lastPage;
    // The emailed code stays the main path; the other ways are plain links, the same for everyone.
    expect(codePage).toContain('href="/reset/code?method=totp"');
    expect(codePage).toContain('href="/reset/code?method=backup_code"');
    expect(codePage).not.toContain('name="method"');
    const stranger = await startedFor('nobody-here@example.com');
    expect(normalize(stranger.lastPage)).toBe(normalize(codePage));

    const appPage = await v.get('/reset/code?method=totp');
    expect(appPage.statusCode).toBe(200);
    expectLabelledControls(appPage.body);
    expect(visibleText(appPage.body)).toContain('Use your authenticator app');
    expect(visibleText(appPage.body)).toMatch(/This stays open for about \d+ more minutes?, until \d\d:\d\d UTC/);
    expect(appPage.body).toContain('<input type="hidden" name="method" value="totp">');
    expect(inputAttrs(appPage.body, 'code')).toContain('inputmode="numeric"');
    expect(appPage.body).toContain('href="/reset/code"'); // back to the emailed code
    expect(normalize((await stranger.get('/reset/code?method=totp')).body)).toBe(normalize(appPage.body));

    // A typo costs nothing; a wrong code costs one attempt.
    const typo = await v.post('/reset/code', { method: 'totp', code: '12345' });
    expect(typo.statusCode).toBe(422);
    expect(visibleText(typo.body)).toContain('Enter the code as 6 digits, for example 123456.');
    expect(typo.body).toContain('<input type="hidden" name="method" value="totp">');
    const code = totpNow(secret);
    const wrong = await v.post('/reset/code', { method: 'totp', code: wrongCode(code) });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('That code is not right. Enter the code your authenticator app shows now');
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
    expect(inputAttrs(wrong.body, 'code')).toContain('aria-invalid="true"');

    const verified = await v.post('/reset/code', { method: 'totp', code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');
    await setPassword(v);

    // The same code does not work twice, in a new reset either.
    const again = await startedFor('alice');
    const replay = await again.post('/reset/code', { method: 'totp', code });
    expect(replay.statusCode).toBe(422);
  });

  it('resets bob with a backup code, typed in lower case and without the dash; the code then is spent', async () => {
    t = await startTestApp();
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account: await accountOf('bob'), client });
    const v = await startedFor('bob');
    const page = await v.get('/reset/code?method=backup_code');
    expectLabelledControls(page.body);
    expect(visibleText(page.body)).toContain('Use a backup code');
    expect(page.body).toContain('<label for="code">Backup code</label>');
    // Backup codes have letters: no numeric keyboard.
    expect(inputAttrs(page.body, 'code')).not.toContain('inputmode');

    const short = await v.post('/reset/code', { method: 'backup_code', code: 'ABCDEF' });
    expect(short.statusCode).toBe(422);
    expect(visibleText(short.body)).toContain('Enter a backup code as 12 letters and digits, for example ABCDEF-GHJKMN.');
    const empty = await v.post('/reset/code', { method: 'backup_code', code: '  ' });
    expect(visibleText(empty.body)).toContain('Enter one of your backup codes.');

    const verified = await v.post('/reset/code', { method: 'backup_code', code: codes[2]!.replace('-', '').toLowerCase() });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');
    await setPassword(v);

    const again = await startedFor('bob');
    const used = await again.post('/reset/code', { method: 'backup_code', code: codes[2]! });
    expect(used.statusCode).toBe(422);
    expect(visibleText(used.body)).toContain('That backup code is not right or has already been used.');
    expect(visibleText(used.body)).toContain('You have 4 attempts left.');
  });

  it('answers a method the person lacks exactly like a wrong code of a person who has it, or of nobody', async () => {
    t = await startTestApp();
    const secret = await registerTotp('alice');
    await t.app.methodRegistration.regenerateBackupCodes({ account: await accountOf('alice'), client });
    const answers: Record<string, string[]> = { totp: [], backup_code: [] };
    for (const identifier of ['alice', 'carol', 'nobody-here@example.com']) {
      const v = await startedFor(identifier);
      const app = await v.post('/reset/code', { method: 'totp', code: wrongCode(totpNow(secret)) });
      expect(app.statusCode, identifier).toBe(422);
      answers.totp!.push(normalize(app.body));
      const backup = await v.post('/reset/code', { method: 'backup_code', code: 'ABCDEF-GHJKMN' });
      expect(backup.statusCode, identifier).toBe(422);
      expect(visibleText(backup.body)).toContain('You have 3 attempts left.');
      answers.backup_code!.push(normalize(backup.body));
    }
    for (const pages of Object.values(answers)) expect(new Set(pages).size).toBe(1);
  });

  it('refuses an unknown method with a 400 page, spending nothing', async () => {
    t = await startTestApp();
    const v = await startedFor('alice');
    const res = await v.post('/reset/code', { method: 'sms_code', code: '123456' });
    expect(res.statusCode).toBe(400);
    expect(visibleText(res.body)).toContain('The request is not valid.');
    await v.get('/reset/code');
    const repeated = await v.post('/reset/code', { method: ['totp', 'backup_code'], code: '123456' });
    expect(repeated.statusCode).toBe(400);
    // An unknown `?method=` shows the emailed-code page.
    expect((await v.get('/reset/code?method=questions')).body).toContain('<h1>Enter your code</h1>');
    const wrong = await v.post('/reset/code', { code: wrongCode(await t.codeFor('alice@example.com')) });
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
  });

  it('with two proofs required: emailed code, then the authenticator app offered on /reset/second, then the new password', async () => {
    t = await startTestApp(TWO_PROOFS);
    const secret = await registerTotp('carol');
    const v = await startedFor('carol');
    const first = await v.post('/reset/code', { code: await t.codeFor('carol@example.com') });
    expect(first.statusCode, first.body).toBe(303);
    expect(first.headers.location).toBe('/reset/second');
    const cookie = setCookies(first).find((c) => c.startsWith('unlatch_reset='));
    expect(cookie).toMatch(/; Path=\/reset(;|$)/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);

    const second = await v.follow(first);
    expect(second.statusCode).toBe(200);
    expectLabelledControls(second.body);
    const text = visibleText(second.body);
    expect(text).toContain("Confirm it's you another way");
    expect(second.body).toMatch(/<fieldset class="field radios">\s*<legend>How do you want to confirm it&#39;s you\?<\/legend>/);
    // Only the app: the mailbox already counted.
    expect(second.body.match(/type="radio"/g)).toHaveLength(1);
    expect(second.body).toContain('<label for="method-totp"><input type="radio" id="method-totp" name="method" value="totp" checked>');
    expect(text).toContain('Authenticator app “Pixel”');
    expect(text).not.toContain('c•••@example.com');
    expect(inputAttrs(second.body, 'code')).toContain('inputmode="numeric"');

    // The other pages send the person here, and the password cannot be set yet.
    expect((await v.get('/reset/code')).headers.location).toBe('/reset/second');
    expect((await v.get('/reset/password')).headers.location).toBe('/reset/second');
    await v.get('/reset/second');
    const early = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(early.headers.location).toBe('/reset/second');

    await v.get('/reset/second');
    const noChoice = await v.post('/reset/second', { method: 'email_code', code: '123456' });
    expect(noChoice.statusCode).toBe(422);
    expect(noChoice.body).toContain('href="#method-totp"');
    expect(visibleText(noChoice.body)).toContain("Choose how you want to confirm it's you.");
    expect(noChoice.body).toContain('aria-describedby="method-error"');
    const typo = await v.post('/reset/second', { method: 'totp', code: 'abc' });
    expect(visibleText(typo.body)).toContain('Enter the code as 6 digits, for example 123456.');
    const code = totpNow(secret);
    const wrong = await v.post('/reset/second', { method: 'totp', code: wrongCode(code) });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
    expect(wrong.body).toContain('href="#code"');

    const verified = await v.post('/reset/second', { method: 'totp', code });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');
    expect((await v.get('/reset/second')).headers.location).toBe('/reset/password');
    await setPassword(v);
  });

  it('with two proofs required: the app first, then the emailed code offered as a masked address', async () => {
    t = await startTestApp(TWO_PROOFS);
    const secret = await registerTotp('carol');
    const v = await startedFor('carol');
    const first = await v.post('/reset/code', { method: 'totp', code: totpNow(secret) });
    expect(first.headers.location).toBe('/reset/second');
    const second = await v.follow(first);
    expect(visibleText(second.body)).toContain('The code we emailed to c•••@example.com');
    expect(second.body).toContain('value="email_code" checked');
    const done = await v.post('/reset/second', { method: 'email_code', code: await t.codeFor('carol@example.com') });
    expect(done.headers.location).toBe('/reset/password');
    await setPassword(v);
  });

  it('with two proofs required and only an email address: says to contact the helpdesk, with no form', async () => {
    t = await startTestApp(TWO_PROOFS);
    const v = await startedFor('bob');
    const first = await v.post('/reset/code', { code: await t.codeFor('bob@example.com') });
    expect(first.headers.location).toBe('/reset/second');
    const page = await v.follow(first);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain("Your organisation needs a second way to confirm it's you, and none is registered. Contact your helpdesk.");
    expect(page.body).not.toContain('<form');
    expect(page.body).not.toContain('type="radio"');
    expect(page.body.match(/<h1\b/g)).toHaveLength(1);
  });

  it('offers every kind by name when the choices were not kept (the first proof came through the API)', async () => {
    t = await startTestApp(TWO_PROOFS);
    const secret = await registerTotp('carol');
    const v = await startedFor('carol');
    // The signed cookie is `<handle>.<signature>`; the API takes the handle.
    const raw = v.cookies.get('unlatch_reset')!.value;
    const flowId = raw.slice(0, raw.lastIndexOf('.'));
    const api = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code: await t.codeFor('carol@example.com') } });
    expect(api.json()).toMatchObject({ next: 'verify_second' });

    const page = await v.get('/reset/code');
    expect(page.headers.location).toBe('/reset/second');
    const second = await v.get('/reset/second');
    expect(second.body.match(/type="radio"/g)).toHaveLength(3);
    expect(visibleText(second.body)).toContain('Your authenticator app');
    expect(inputAttrs(second.body, 'code')).not.toContain('inputmode');
    const done = await v.post('/reset/second', { method: 'totp', code: totpNow(secret) });
    expect(done.headers.location).toBe('/reset/password');
  });
});
