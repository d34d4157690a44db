import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { DEFAULT_TENANT_POLICY, decidePolicy } from '../../src/core/policy/method-policy.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const client = { ip: '198.51.100.7', userAgent: 'test', correlationId: 'corr-registration' };

describe('registering methods (TOTP and backup codes) on the real store', () => {
  let t: TestApp;
  let alice: DirectoryAccount;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await t.accountOf('alice');
  });
  afterAll(async () => {
    await t?.close();
  });

  const registration = () => t.app.methodRegistration;
  const events = async () => (await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).orderBy('seq').execute()).map((e) => e.event);

  it('adds an authenticator app only once its first code is right, and that code cannot be used again', async () => {
    const enrollment = await registration().beginTotp({ account: alice, name: 'Work phone', client });
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL(enrollment.uri).protocol).toBe('otpauth:');
    expect(enrollment.qrSvg).toMatch(/^<svg|^<\?xml/);
    expect(enrollment.qrSvg).not.toContain(enrollment.secret);
    // Pending: not listed yet.
    expect(await registration().list(alice)).toEqual([]);

    const now = t.clock.now().getTime();
    const wrong = totpAt(enrollment.secret, now - 5 * 30_000);
    expect(await registration().finishTotp({ account: alice, methodId: enrollment.methodId, code: wrong, client })).toEqual({ ok: false, code: 'code_invalid' });
    const code = totpAt(enrollment.secret, now);
    expect(await registration().finishTotp({ account: alice, methodId: enrollment.methodId, code, client })).toEqual({ ok: true });
    const listed = await registration().list(alice);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'totp', name: 'Work phone' });
    expect(JSON.stringify(listed)).not.toContain(enrollment.secret);
    // The seed is sealed at rest.
    const rows = await t.app.database.db.selectFrom('methods').select('secret').execute();
    expect(rows.some((r) => r.secret?.includes(enrollment.secret))).toBe(false);
    // The step it confirmed with is spent.
    const method = await t.app.database.db.selectFrom('methods').select('last_used_step').where('id', '=', enrollment.methodId).executeTakeFirstOrThrow();
    expect(Number(method.last_used_step)).toBe(Math.floor(now / 30_000));
    expect(await events()).toEqual(expect.arrayContaining(['method.registration_started', 'method.confirm_failed', 'method.added']));
  });

  it('shows new backup codes once, stores only their MACs, and replaces the old set', async () => {
    const first = await registration().regenerateBackupCodes({ account: alice, client });
    expect(first.codes).toHaveLength(10);
    const stored = await t.app.database.db.selectFrom('methods').select('data').where('kind', '=', 'backup_code').execute();
    expect(stored).toHaveLength(10);
    for (const code of first.codes) expect(stored.map((s) => s.data).join()).not.toContain(code.replace('-', ''));
    const second = await registration().regenerateBackupCodes({ account: alice, client });
    expect(second.codes.some((c) => first.codes.includes(c))).toBe(false);
    expect(await t.app.database.db.selectFrom('methods').select('id').where('kind', '=', 'backup_code').execute()).toHaveLength(10);
    const summary = (await registration().list(alice)).find((m) => m.kind === 'backup_code');
    expect(summary).toMatchObject({ id: 'backup_codes', remaining: 10 });
  });

  it('tells the person about every change by email, with time and IP and no secret', async () => {
    await t.deliverMail();
    const notices = (await t.mailsTo('alice@example.com')).filter((m) => /security info/i.test(m.subject));
    expect(notices.length).toBe(3);
    expect(notices.map((m) => m.text).join('\n')).toContain('198.51.100.7');
    expect(notices.some((m) => m.text.includes('Work phone'))).toBe(true);
  });

  it('refuses to remove the last method a two-method policy needs, and removes one it can spare', async () => {
    const strict = decidePolicy({ ...DEFAULT_TENANT_POLICY, defaults: { ...DEFAULT_TENANT_POLICY.defaults, requiredMethods: 2, allowedMethods: ['totp', 'backup_code'] } }, alice);
    const totp = (await registration().list(alice)).find((m) => m.kind === 'totp')!;
    expect(await registration().remove({ account: alice, methodId: totp.id, decision: strict, client })).toEqual({ ok: false, code: 'method_required' });
    expect(await events()).toContain('method.remove_refused');

    const lenient = decidePolicy(DEFAULT_TENANT_POLICY, alice);
    expect(await registration().remove({ account: alice, methodId: 'backup_codes', decision: lenient, client })).toEqual({ ok: true });
    expect((await registration().list(alice)).map((m) => m.kind)).toEqual(['totp']);
  });
});
