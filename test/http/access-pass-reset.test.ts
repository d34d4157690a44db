import { afterEach, describe, expect, it } from 'vitest';
import { hashAccessPass, newAccessPass } from '../../src/core/methods/access_pass/access-pass-code.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { newId } from '../../src/core/crypto/secrets.js';
import { SqlAccessPassRepository } from '../../src/adapters/store/access-pass-repository.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-pass' };
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;
const PASSWORD = 'amber quarry falcon 28';

describe.each(databases)('temporary access pass as a reset proof (%s)', (database) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const post = (url: string, payload: object) => t!.server.inject({ method: 'POST', url, payload });
  const start = async (identifier: string) => ((await post('/api/v1/reset', { identifier })).json() as { flowId: string }).flowId;
  /** Issues a pass as the helpdesk would (the repository's insert, in a store transaction). */
  const issue = async (username: string, options: { minutes?: number; uses?: number } = {}) => {
    const account = await t!.accountOf(username);
    const pass = newAccessPass();
    const now = t!.clock.now();
    const record = { id: newId(), tenantId: account.tenantId, subjectId: account.id, createdBy: 'agent-1', createdAt: now, expiresAt: new Date(now.getTime() + (options.minutes ?? 60) * 60_000), usesLeft: options.uses ?? 1, usedAt: null, revokedAt: null };
    await t!.app.store.transaction((tx) => new SqlAccessPassRepository(t!.app.database.db).insert(tx, record, hashAccessPass(pass)));
    return pass;
  };
  const verify = (flowId: string, code: string) => post(`/api/v1/reset/${flowId}/verify`, { method: 'access_pass', code });
  const failures = async () =>
    (await t!.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'reset.code_failed').orderBy('seq').execute())
      .map((e) => JSON.parse(e.details) as { method: string; reason: string });

  it('is offered at the first step to every flow, the same for real and unknown accounts', async () => {
    t = await startTestApp({ database });
    const views = [];
    for (const identifier of ['alice', 'nosuchuser']) views.push((await t.server.inject({ method: 'GET', url: `/api/v1/reset/${await start(identifier)}` })).json() as { methods: unknown[] });
    expect(views[0]!.methods).toContainEqual({ method: 'access_pass', label: 'A temporary access pass from the helpdesk' });
    expect(views[1]!.methods).toEqual(views[0]!.methods);
  });

  it('resets with a valid pass alone, typed grouped or not, even for a person whose strongest method is an app', async () => {
    t = await startTestApp({ database, overrides: { policy: { default: { requiredMethods: 2 } } } });
    const account = await t.accountOf('carol');
    const enrollment = await t.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t.clock.now().getTime()), client });
    const pass = await issue('carol');
    const flowId = await start('carol');
    const verified = await verify(flowId, ` ${pass.replaceAll('-', ' ').toLowerCase()} `);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ next: 'set_password' });
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: PASSWORD })).statusCode).toBe(200);
    const used = await t.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'reset.code_verified').executeTakeFirstOrThrow();
    expect(JSON.parse(used.details)).toMatchObject({ method: 'access_pass', complete: true });
  });

  it('refuses a reused pass, an expired pass and a wrong pass like a wrong code; the audit says which', async () => {
    t = await startTestApp({ database });
    const pass = await issue('alice');
    expect((await verify(await start('alice'), pass)).statusCode).toBe(200);

    const reused = await verify(await start('alice'), pass);
    const expiring = await issue('bob', { minutes: 10 });
    t.clock.advance(11 * 60);
    const expired = await verify(await start('bob'), expiring);
    const wrong = await verify(await start('alice'), newAccessPass());
    const decoy = await verify(await start('nosuchuser'), newAccessPass());
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    for (const answer of [reused, expired, wrong, decoy]) {
      expect(answer.statusCode).toBe(422);
      expect(strip(answer.json())).toEqual(strip(decoy.json()));
    }
    expect((await failures()).map((f) => [f.method, f.reason])).toEqual([
      ['access_pass', 'replayed'],
      ['access_pass', 'expired'],
      ['access_pass', 'wrong'],
      ['access_pass', 'wrong'],
    ]);
  });

  it('works only for its own person, and only where the policy allows it', async () => {
    t = await startTestApp({ database, overrides: { policy: { default: { allowedMethods: ['email_code'] } } } });
    const pass = await issue('alice');
    expect((await verify(await start('bob'), pass)).statusCode).toBe(422);
    // Not allowed by the policy: fails like a wrong code and the pass stays unspent.
    expect((await verify(await start('alice'), pass)).statusCode).toBe(422);
    const live = await new SqlAccessPassRepository(t.app.database.db).listLive((await t.accountOf('alice')).tenantId, (await t.accountOf('alice')).id, t.clock.now());
    expect(live).toHaveLength(1);
  });

  it('portal: offered by link on the code page; a malformed pass costs no attempt; a right one leads to the new password', async () => {
    t = await startTestApp({ database });
    const pass = await issue('alice');
    const v = new PortalVisitor(t);
    expect((await v.follow(await v.fill('/reset', { identifier: 'alice' }))).statusCode).toBe(200);
    expect(v.lastPage).toContain('href="/reset/code?method=access_pass"');
    const page = await v.get('/reset/code?method=access_pass');
    expectLabelledControls(page.body);
    expect(visibleText(page.body)).toContain('Use a temporary access pass');
    expect(page.body).toContain('<input type="hidden" name="method" value="access_pass">');

    const short = await v.post('/reset/code', { method: 'access_pass', code: 'ABCD-EFGH' });
    expect(short.statusCode).toBe(422);
    expect(visibleText(short.body)).toContain('Enter the pass as 16 letters and digits');
    const wrong = await v.post('/reset/code', { method: 'access_pass', code: newAccessPass() });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
    const verified = await v.post('/reset/code', { method: 'access_pass', code: pass.toLowerCase() });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');
  });
});
