import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, DEMO_USERS } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

/** The console's sign-in: password, then the strong method; sessions apart from people's, idle and absolute limits. */
describe('console sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { tenants: [{ id: 'demo', name: 'Demo Company', operators: [{ group: 'unlatch-admins', role: 'admin' }, { group: 'auditors', role: 'auditor' }] }] } });
  });
  afterAll(async () => t.close());

  const code = () => totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime());

  async function signIn(visitor: PortalVisitor, password: string = DEMO_OPERATOR.password) {
    // A new authenticator step for every sign-in: a code is never accepted twice.
    t.clock.advance(31);
    await visitor.get('/admin/sign-in');
    return visitor.post('/admin/sign-in', { username: DEMO_OPERATOR.username, password });
  }

  async function auditEvents(): Promise<Array<{ event: string; outcome: string; actor: string; details: string }>> {
    return t.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'actor', 'details']).where('event', 'like', 'admin.%').orderBy('seq').execute();
  }

  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await new PortalVisitor(t).get('/admin');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/sign-in');
  });

  it('signs the demo operator in with the password and the authenticator code, and audits both steps', async () => {
    const visitor = new PortalVisitor(t);
    const first = await signIn(visitor);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/admin/sign-in/verify');
    const verify = await visitor.get('/admin/sign-in/verify');
    expect(verify.statusCode).toBe(200);
    expect(verify.headers['cache-control']).toBe('no-store');
    const done = await visitor.post('/admin/sign-in/verify', { code: code() });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin');
    const cookie = [done.headers['set-cookie']].flat().find((c) => String(c).startsWith('unlatch_admin='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const events = (await auditEvents()).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['admin.signin_password_ok', 'admin.signin_completed']));
    const completed = (await auditEvents()).find((e) => e.event === 'admin.signin_completed')!;
    expect(completed.actor).toBe('operator:demo/opal');
  });

  it('refuses a wrong password with one answer, and audits the failure', async () => {
    const visitor = new PortalVisitor(t);
    const res = await signIn(visitor, 'not the password');
    expect(res.statusCode).toBe(401);
    expect(visibleText(res.body)).toContain('The username or password is wrong, or this account has no console role.');
    expect((await auditEvents()).some((e) => e.event === 'admin.signin_failed' && JSON.parse(e.details).reason === 'password')).toBe(true);
  });

  it('refuses a person without a console role with the same answer as a wrong password', async () => {
    const visitor = new PortalVisitor(t);
    await visitor.get('/admin/sign-in');
    const res = await visitor.post('/admin/sign-in', { username: DEMO_USERS[0].username, password: DEMO_USERS[0].password });
    expect(res.statusCode).toBe(401);
    expect(visibleText(res.body)).toContain('The username or password is wrong, or this account has no console role.');
    expect((await auditEvents()).some((e) => e.event === 'admin.signin_failed' && JSON.parse(e.details).reason === 'no_role')).toBe(true);
  });

  it('tells an operator without a strong method how to register one', async () => {
    const carol = await t.app.users.findByIdentifier('demo', 'carol');
    await t.app.database.db.updateTable('users').set({ groups: JSON.stringify(['auditors']) }).where('id', '=', carol[0]!.id).execute();
    const visitor = new PortalVisitor(t);
    await visitor.get('/admin/sign-in');
    const res = await visitor.post('/admin/sign-in', { username: 'carol', password: DEMO_USERS[2].password });
    expect(res.statusCode).toBe(403);
    expect(visibleText(res.body)).toContain('Register a strong method first');
    expect(res.body).toContain('href="/security-info/sign-in"');
  });

  it('counts wrong codes and ends the half-signed-in session at the limit', async () => {
    const visitor = new PortalVisitor(t);
    await signIn(visitor);
    await visitor.get('/admin/sign-in/verify');
    for (let i = 0; i < 4; i++) {
      const wrong = await visitor.post('/admin/sign-in/verify', { code: '000000' === code() ? '111111' : '000000' });
      expect(wrong.statusCode).toBe(422);
    }
    const last = await visitor.post('/admin/sign-in/verify', { code: '000000' === code() ? '111111' : '000000' });
    expect(last.statusCode).toBe(401);
    const after = await visitor.get('/admin/sign-in/verify');
    expect(after.statusCode).toBe(303);
  });

  it('refuses a POST without the CSRF token', async () => {
    const before = (await auditEvents()).length;
    const visitor = new PortalVisitor(t);
    await visitor.get('/admin/sign-in');
    const res = await visitor.post('/admin/sign-in', { _csrf: 'forged', username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    expect(res.statusCode).toBe(403);
    expect((await auditEvents()).length).toBe(before);
  });

  it('ends a session after the idle timeout and after the absolute lifetime', async () => {
    const idle = new PortalVisitor(t);
    await signIn(idle);
    await idle.get('/admin/sign-in/verify');
    expect((await idle.post('/admin/sign-in/verify', { code: code() })).headers.location).toBe('/admin');
    t.clock.advance(899);
    expect((await idle.get('/admin')).headers.location).not.toBe('/admin/sign-in');
    t.clock.advance(901);
    const expired = await idle.get('/admin');
    expect(expired.statusCode).toBe(303);
    expect(expired.headers.location).toBe('/admin/sign-in');

    const busy = new PortalVisitor(t);
    await signIn(busy);
    await busy.get('/admin/sign-in/verify');
    await busy.post('/admin/sign-in/verify', { code: code() });
    for (let minutes = 0; minutes < 8 * 60; minutes += 10) {
      t.clock.advance(600);
      const res = await busy.get('/admin');
      if (minutes + 10 < 8 * 60) expect(res.headers.location).not.toBe('/admin/sign-in');
      else expect(res.headers.location).toBe('/admin/sign-in');
    }
  });

  it('signs out: the session no longer works, and the sign-out is audited', async () => {
    const visitor = new PortalVisitor(t);
    await signIn(visitor);
    await visitor.get('/admin/sign-in/verify');
    await visitor.post('/admin/sign-in/verify', { code: code() });
    await visitor.get('/admin/sign-in');
    const out = await visitor.post('/admin/sign-out', {});
    expect(out.headers.location).toBe('/admin/sign-in');
    expect((await auditEvents()).some((e) => e.event === 'admin.signed_out')).toBe(true);
  });
});

/** On https the console's cookie takes the `__Host-` prefix: Secure, path `/`, no Domain. */
describe('console session cookie on https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { publicUrl: 'https://sspr.example.test' } });
  });
  afterAll(async () => t.close());

  it('is __Host-unlatch_admin, Secure, HttpOnly, SameSite=Strict, Path=/ without a Domain, and it works', async () => {
    const visitor = new PortalVisitor(t);
    t.clock.advance(31);
    await visitor.get('/admin/sign-in');
    await visitor.post('/admin/sign-in', { username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    await visitor.get('/admin/sign-in/verify');
    const done = await visitor.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
    const cookie = String([done.headers['set-cookie']].flat().find((c) => String(c).startsWith('__Host-unlatch_admin=')));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect([done.headers['set-cookie']].flat().some((c) => String(c).startsWith('unlatch_admin='))).toBe(false);
    const home = await visitor.get('/admin');
    expect(home.headers.location).toMatch(/^\/admin\/t\/demo\//);
  });
});
