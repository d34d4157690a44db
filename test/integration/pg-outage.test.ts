import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';

/**
 * PostgreSQL going away under a running node: no node dies of it, every request that needed the store
 * answers 503 `store_unavailable` with Retry-After (never 500), and the nodes recover by themselves.
 * Each suite runs its own cluster on a free port, since it stops and restarts it.
 */
const canRun = shouldRun('a private PostgreSQL cluster (server binaries, runuser)', privatePostgresAvailable());

/** Every answer during an outage that needed the store: a 503 problem naming the store, with Retry-After. */
function expectStoreUnavailable(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body}`).toBe(503);
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  expect(res.json(), what).toMatchObject({ code: 'store_unavailable', status: 503, retryAfterSeconds: 5 });
  expect(res.headers['retry-after'], what).toBe('5');
}

/** Waits (bounded) until the node answers ready and starts a reset again: it recovered without help. */
async function recovered(t: TestApp): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await t.server.inject({ method: 'GET', url: '/readyz' });
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } });
    if (ready.statusCode === 200 && start.statusCode === 202) return;
    if (Date.now() > deadline) throw new Error(`not recovered: /readyz ${ready.statusCode}, reset ${start.statusCode} ${start.body}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// One cluster and two nodes for the whole file (a cluster and a node take seconds to start): the restart
// under load first, then the same nodes with the cluster stopped.
describe.runIf(canRun)('PostgreSQL going away under two running nodes', () => {
  let pg: PrivatePostgres;
  const nodes: TestApp[] = [];
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    // One after the other: the first migrates, the second finds the schema there.
    for (let i = 0; i < 2; i++) nodes.push(await startTestApp({ overrides: { database: { url: pg.url, poolSize: 4 } } }));
  }, 60_000);
  afterAll(async () => {
    for (const t of nodes) await t.close();
    await pg?.destroy();
  });

  it('restarted under concurrent load: answers only expected statuses or 503 store_unavailable, and both nodes serve again after', async () => {
    const answers = new Map<string, number>();
    const bad: string[] = [];
    let running = true;
    let sent = 0;
    const note = (res: LightMyRequestResponse, route: string) => {
      const code = res.statusCode >= 400 ? (res.json() as { code?: string }).code : '';
      answers.set(`${res.statusCode} ${code}`, (answers.get(`${res.statusCode} ${code}`) ?? 0) + 1);
      if (res.statusCode === 503 && code === 'store_unavailable' && res.headers['retry-after'] === '5') return;
      // A reset starts (202); a wrong code is refused (422), the flow is gone or moved on (410, 409), or the
      // account's limit on failed proofs is reached (429): all answers the app gives without an outage too.
      if (![200, 202, 409, 410, 422, 429].includes(res.statusCode)) bad.push(`${route}: ${res.statusCode} ${res.body}`);
    };
    // A bounded loop per virtual client: start a reset, then try a wrong code on it, like people do at once.
    const client = async (t: TestApp, n: number) => {
      while (running && sent < 1500) {
        sent++;
        const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: n % 3 === 0 ? 'nobody' : 'alice' } });
        note(start, 'start');
        if (start.statusCode !== 202) continue;
        const { flowId } = start.json() as { flowId: string };
        note(await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code: '000000' } }), 'verify');
      }
    };
    const load = nodes.flatMap((t) => Array.from({ length: 6 }, (_, n) => client(t, n)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await pg.restart();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    running = false;
    await Promise.all(load);

    expect(bad, JSON.stringify(Object.fromEntries(answers))).toEqual([]);
    expect([...answers.keys()].some((key) => key.startsWith('500')), 'no 500 at all').toBe(false);
    for (const t of nodes) await recovered(t);
    for (const t of nodes) {
      const ready = await t.server.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
    }
  }, 40_000);

  describe('with PostgreSQL stopped', () => {
    let t: TestApp;
    let flowId: string;
    let visitor: PortalVisitor;
    let signInVisitor: PortalVisitor;
    beforeAll(async () => {
      t = nodes[0]!;
      const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
      flowId = (start.json() as { flowId: string }).flowId;
      visitor = new PortalVisitor(t);
      expect((await visitor.get('/reset')).statusCode).toBe(200);
      signInVisitor = new PortalVisitor(t);
      expect((await signInVisitor.get('/security-info/sign-in')).statusCode).toBe(200);
      await pg.halt();
    }, 30_000);

    it('answers 503 store_unavailable with Retry-After on every API route family', async () => {
      const bearer = { authorization: `Bearer ${'a'.repeat(43)}` };
      const calls: Array<[string, 'GET' | 'POST' | 'DELETE', string, Record<string, unknown> | undefined, Record<string, string>?]> = [
        ['reset start', 'POST', '/api/v1/reset', { identifier: 'alice' }],
        ['reset state', 'GET', `/api/v1/reset/${flowId}`, undefined],
        ['reset verify', 'POST', `/api/v1/reset/${flowId}/verify`, { code: '123456' }],
        ['reset password', 'POST', `/api/v1/reset/${flowId}/password`, { password: 'tangerine orbit walrus 77' }],
        ['password change', 'POST', '/api/v1/password/change', { identifier: 'alice', currentPassword: 'violet sandwich glacier', newPassword: 'tangerine orbit walrus 77' }],
        ['unlock', 'POST', '/api/v1/unlock', { identifier: 'alice' }],
        ['sign-in', 'POST', '/api/v1/me/session', { identifier: 'alice', password: 'violet sandwich glacier' }],
        ['my methods', 'GET', '/api/v1/me/methods', undefined, bearer],
        ['sign-out', 'DELETE', '/api/v1/me/session', undefined, bearer],
      ];
      for (const [what, method, url, payload, headers] of calls) {
        expectStoreUnavailable(await t.server.inject({ method, url, payload, headers }), what);
      }
    });

    it('shows a readable 503 page in the portal, with Retry-After and without details', async () => {
      const pages = [
        ['reset start', await visitor.post('/reset', { identifier: 'alice' })],
        ['security info sign-in', await signInVisitor.post('/security-info/sign-in', { identifier: 'alice', password: 'violet sandwich glacier' })],
      ] as const;
      for (const [what, page] of pages) {
        expect(page.statusCode, what).toBe(503);
        expect(page.headers['content-type'], what).toMatch(/^text\/html/);
        expect(page.headers['retry-after'], what).toBe('5');
        // The portal's own page, with the basics every page keeps: language, one heading, a title, the main landmark.
        expect(page.body, what).toMatch(/^<!doctype html>\s*<html lang="en" dir="ltr">/);
        expect(page.body.match(/<h1\b/g), what).toHaveLength(1);
        expect(page.body, what).toMatch(/<title>[^<]*Temporarily unavailable[^<]*<\/title>/);
        expect(page.body, what).toContain('<main id="main"');
        const text = visibleText(page.body);
        expect(text, what).toContain("We can't reach our database right now");
        expect(text, what).toContain('You can try again in 5 seconds');
        // The cause (driver message, host, stack) stays in the log.
        expect(page.body, what).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:\d+|store unavailable \(|at .*\.[jt]s:\d+/);
      }
    });

    it('says not ready while the store is down (yet alive), and ready again once it is back', async () => {
      const notReady = await t.server.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ checks: { store: false } });
      expect((await t.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await pg.resume();
      await recovered(t);
      expect((await t.server.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', checks: { store: true } });
    }, 30_000);
  });
});
