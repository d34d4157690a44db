import { afterEach, describe, expect, it } from 'vitest';
import { SqlAccessPassRepository } from '../../src/adapters/store/access-pass-repository.js';
import { newId } from '../../src/core/crypto/secrets.js';
import { hashAccessPass, newAccessPass } from '../../src/core/methods/access_pass/access-pass-code.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const PAGE = '/security-info/sign-in/pass';

describe('portal: signing in to security info with a temporary access pass', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const issue = async (username: string, minutes = 60) => {
    const account = await t!.accountOf(username);
    const pass = newAccessPass();
    const now = t!.clock.now();
    const record = { id: newId(), tenantId: account.tenantId, subjectId: account.id, createdBy: 'agent-1', createdAt: now, expiresAt: new Date(now.getTime() + minutes * 60_000), usesLeft: 1, usedAt: null, revokedAt: null };
    await t!.app.store.transaction((tx) => new SqlAccessPassRepository(t!.app.database.db).insert(tx, record, hashAccessPass(pass)));
    return pass;
  };
  const signIns = async () =>
    (await t!.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'details']).where('event', 'in', ['signin.failed', 'signin.completed']).orderBy('seq').execute())
      .map((e) => [e.event, e.outcome, (JSON.parse(e.details) as { reason?: string }).reason ?? null]);

  it('signs a person in fully with their pass (no password, no method), once', async () => {
    t = await startTestApp();
    const pass = await issue('alice');
    const v = new PortalVisitor(t);
    expect(visibleText((await v.get('/security-info/sign-in')).body)).toContain('Sign in with a temporary access pass');
    const page = await v.get(PAGE);
    expectLabelledControls(page.body);
    const signed = await v.post(PAGE, { identifier: 'alice', pass: pass.replaceAll('-', '').toLowerCase() });
    expect(signed.headers.location).toBe('/security-info');
    expect(visibleText((await v.follow(signed)).body)).toContain('Signed in as Alice Archer');

    const again = await new PortalVisitor(t).fill(PAGE, { identifier: 'alice', pass });
    expect(again.statusCode).toBe(401);
    expect(visibleText(again.body)).toContain('has already been used or has run out');
    expect(await signIns()).toEqual([['signin.completed', 'success', null], ['signin.failed', 'failure', 'used']]);
  });

  it('answers a wrong, expired or someone else’s pass and an unknown account alike', async () => {
    t = await startTestApp();
    const bobs = await issue('bob');
    const expiring = await issue('carol', 10);
    t.clock.advance(11 * 60);
    const answers = [];
    for (const [identifier, pass] of [['alice', newAccessPass()], ['carol', expiring], ['alice', bobs], ['nosuchuser', newAccessPass()], ['alice', 'not a pass']]) {
      answers.push(await new PortalVisitor(t).fill(PAGE, { identifier: identifier!, pass: pass! }));
    }
    const normalize = (html: string) => visibleText(html).replace(/reference [\w-]+/g, '').replace(/alice|carol|nosuchuser/g, 'X');
    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(normalize(answer.body)).toBe(normalize(answers[0]!.body));
    }
    expect(await signIns()).toEqual([
      ['signin.failed', 'failure', 'wrong'],
      ['signin.failed', 'failure', 'expired'],
      ['signin.failed', 'failure', 'wrong'],
      ['signin.failed', 'decoy', null],
      ['signin.failed', 'failure', 'wrong'],
    ]);
    // Bob's pass was not spent by the try under alice's name.
    const live = await new SqlAccessPassRepository(t.app.database.db).listLive((await t.accountOf('bob')).tenantId, (await t.accountOf('bob')).id, t.clock.now());
    expect(live).toHaveLength(1);
  });

  it('asks for the missing fields without spending anything', async () => {
    t = await startTestApp();
    const empty = await new PortalVisitor(t).fill(PAGE, { identifier: '', pass: '' });
    expect(empty.statusCode).toBe(422);
    expect(visibleText(empty.body)).toContain('Enter the temporary access pass from your helpdesk.');
    expect(await signIns()).toEqual([]);
  });
});

describe('JSON API: POST /api/v1/me/session/pass', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('gives a full session for a valid pass, once; 401 invalid_credentials otherwise', async () => {
    t = await startTestApp();
    const account = await t.accountOf('bob');
    const pass = newAccessPass();
    const now = t.clock.now();
    const record = { id: newId(), tenantId: account.tenantId, subjectId: account.id, createdBy: 'agent-1', createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), usesLeft: 1, usedAt: null, revokedAt: null };
    await t.app.store.transaction((tx) => new SqlAccessPassRepository(t!.app.database.db).insert(tx, record, hashAccessPass(pass)));
    const signIn = (body: object) => t!.server.inject({ method: 'POST', url: '/api/v1/me/session/pass', payload: body });

    const signed = await signIn({ identifier: 'bob', pass });
    expect(signed.statusCode).toBe(201);
    const { token, next } = signed.json() as { token: string; next: string };
    expect(next).toBe('done');
    const methods = await t.server.inject({ method: 'GET', url: '/api/v1/me/methods', headers: { authorization: `Bearer ${token}` } });
    expect(methods.statusCode).toBe(200);

    const again = await signIn({ identifier: 'bob', pass });
    expect(again.statusCode).toBe(401);
    expect((again.json() as { code: string }).code).toBe('invalid_credentials');
    expect((await signIn({ identifier: 'bob' })).statusCode).toBe(400);
  });
});
