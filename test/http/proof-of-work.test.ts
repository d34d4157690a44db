import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

// The same behaviour on both stores: spent proofs live in migration 0027's table.
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

const WAIT = 10;
const EXPIRES = 120;

interface Offer {
  challenge: Challenge;
  waitTicket: string;
  waitSeconds: number;
  remainingSeconds?: number;
}

async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution');
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString('base64');
}

describe.each(databases)('proof-of-work at the start (%s)', (database) => {
  let t: TestApp;
  const start = (body: Record<string, unknown>) => t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: ALICE.username, ...body } });
  const offer = async (): Promise<Offer> => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/reset/challenge' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ required: boolean }>().required).toBe(true);
    return res.json<Offer>();
  };

  beforeEach(async () => {
    t = await startTestApp({ database, overrides: { risk: { proofOfWork: { mode: 'always', maxNumber: 2_000, waitSeconds: WAIT, expiresSeconds: EXPIRES } } } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('refuses a start without a proof with 428 and a fresh offer, the same for a known and an unknown identifier', async () => {
    const known = await start({});
    const unknown = await start({ identifier: 'nobody-here' });
    for (const res of [known, unknown]) {
      expect(res.statusCode, res.body).toBe(428);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json<Offer & { code: string }>();
      expect(body.code).toBe('proof_of_work_required');
      expect(body.challenge.parameters.algorithm).toBe('SHA-256');
      expect(typeof body.challenge.signature).toBe('string');
      expect(body.waitTicket).toMatch(/^w1\./);
      expect(body.waitSeconds).toBe(WAIT);
    }
    expect(Object.keys(known.json()).sort()).toEqual(Object.keys(unknown.json()).sort());
  });

  it('takes a solved challenge once: the start succeeds, the same payload again is refused', async () => {
    const { challenge } = await offer();
    const solution = await solve(challenge);
    const first = await start({ proofOfWork: { solution } });
    expect(first.statusCode, first.body).toBe(202);
    const replay = await start({ proofOfWork: { solution } });
    expect(replay.statusCode, replay.body).toBe(428);
  });

  it('refuses an expired solution', async () => {
    const solution = await solve((await offer()).challenge);
    t.clock.advance(EXPIRES + 1);
    const res = await start({ proofOfWork: { solution } });
    expect(res.statusCode, res.body).toBe(428);
  });

  it('refuses a wrong signature, a wrong key, another tenant\'s data, the widget\'s test payload and garbage', async () => {
    const { challenge } = await offer();
    const good = JSON.parse(Buffer.from(await solve(challenge), 'base64').toString('utf8')) as { challenge: Challenge; solution: { derivedKey: string } };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    const badSignature = encode({ ...good, challenge: { ...good.challenge, signature: '0'.repeat(64) } });
    const badKey = encode({ ...good, solution: { ...good.solution, derivedKey: '00'.repeat(32) } });
    const otherTenant = encode({ ...good, challenge: { ...good.challenge, parameters: { ...good.challenge.parameters, data: { ...good.challenge.parameters.data, t: 'other' } } } });
    const testMode = encode({ challenge: null, solution: null, test: true });
    for (const solution of [badSignature, badKey, otherTenant, testMode, 'not base64 at all!']) {
      const res = await start({ proofOfWork: { solution } });
      expect(res.statusCode, solution).toBe(428);
    }
    // None of them spent the real one.
    const res = await start({ proofOfWork: { solution: encode(good) } });
    expect(res.statusCode, res.body).toBe(202);
  });

  it('without JavaScript: a wait ticket sent early says how long is left; after the wait it is taken once', async () => {
    const { waitTicket } = await offer();
    t.clock.advance(3);
    const early = await start({ proofOfWork: { waitTicket } });
    expect(early.statusCode, early.body).toBe(428);
    const body = early.json<Offer>();
    // Whole seconds on the real clock moved by hand: 3 s in, about 7 are left.
    expect(body.remainingSeconds).toBeGreaterThanOrEqual(WAIT - 5);
    expect(body.remainingSeconds).toBeLessThanOrEqual(WAIT - 3);
    expect(body.waitTicket).toBe(waitTicket);
    t.clock.advance(WAIT - 3);
    const ready = await start({ proofOfWork: { waitTicket } });
    expect(ready.statusCode, ready.body).toBe(202);
    const replay = await start({ proofOfWork: { waitTicket } });
    expect(replay.statusCode, replay.body).toBe(428);
    expect(replay.json<Offer>().remainingSeconds).toBeUndefined();
  });

  it('refuses a wait ticket from another address or a forged one', async () => {
    const { waitTicket } = await offer();
    t.clock.advance(WAIT);
    const elsewhere = await t.server.inject({ method: 'POST', url: '/api/v1/reset', remoteAddress: '10.9.8.7', payload: { identifier: ALICE.username, proofOfWork: { waitTicket } } });
    expect(elsewhere.statusCode, elsewhere.body).toBe(428);
    const forged = waitTicket.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect((await start({ proofOfWork: { waitTicket: forged } })).statusCode).toBe(428);
    expect((await start({ proofOfWork: { waitTicket } })).statusCode).toBe(202);
  });

  it('the portal without JavaScript: the start page shows the check and a countdown; too early shows the time left, after the wait it starts', async () => {
    const person = new PortalVisitor(t);
    const page = await person.get('/reset');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<altcha-widget name="proofOfWork"');
    expect(page.body).toContain('<script src="/assets/altcha/altcha.js" defer></script>');
    expect(visibleText(page.body)).toContain(`please wait ${WAIT} seconds before you continue`);
    expect(page.body).toContain(`class="pow-bar pow-wait-${WAIT}"`);
    const ticket = /name="waitTicket" value="([^"]+)"/.exec(page.body)?.[1];
    expect(ticket).toMatch(/^w1\./);

    t.clock.advance(4);
    const early = await person.post('/reset', { identifier: ALICE.username, waitTicket: ticket! });
    expect(early.statusCode).toBe(428);
    // The clock is the real one moved by hand, and a ticket counts whole seconds: 4 s in, about 6 s are left.
    const left = Number(/Please wait (\d+) more seconds, then press the button again\./.exec(visibleText(early.body))?.[1]);
    expect(left).toBeGreaterThanOrEqual(WAIT - 6);
    expect(left).toBeLessThanOrEqual(WAIT - 4);
    // The form comes back filled in, with the same ticket still counting.
    expect(early.body).toContain(`value="${ALICE.username}"`);
    expect(early.body).toContain(`name="waitTicket" value="${ticket}"`);

    t.clock.advance(WAIT - 4);
    const done = await person.post('/reset', { identifier: ALICE.username, waitTicket: ticket! });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/reset/code');

    const again = await person.get('/reset');
    const replay = await person.post('/reset', { identifier: ALICE.username, waitTicket: ticket! });
    expect(again.statusCode).toBe(200);
    expect(replay.statusCode).toBe(428);
    expect(visibleText(replay.body)).toContain('let the check below finish');
  });

  it('serves the widget, its worker and stylesheets from Unlatch itself', async () => {
    for (const [url, type] of [['/assets/altcha/altcha.js', 'javascript'], ['/assets/altcha/sha-worker.js', 'javascript'], ['/assets/altcha/altcha.css', 'css'], ['/assets/proof-of-work.js', 'javascript'], ['/assets/proof-of-work.css', 'css']] as const) {
      const res = await t.server.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain(type);
    }
  });
});

describe('proof-of-work in the OpenAPI document', () => {
  it('documents the start\'s proofOfWork field, its 428 problem with the offer, and the challenge endpoint', async () => {
    const t = await startTestApp();
    try {
      const doc = (await t.server.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { properties?: Record<string, unknown> }> } }> }; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>> }>();
      for (const path of ['/api/v1/reset', '/api/v1/unlock']) {
        const op = doc.paths[path]!.post!;
        expect(Object.keys(op.requestBody!.content['application/json']!.schema.properties.proofOfWork!.properties!).sort(), path).toEqual(['solution', 'waitTicket']);
        expect(Object.keys(op.responses['428']!.content!['application/problem+json']!.schema.properties!), path).toEqual(expect.arrayContaining(['challenge', 'waitTicket', 'waitSeconds']));
      }
      expect(doc.paths['/api/v1/reset/challenge']?.get).toBeDefined();
    } finally {
      await t.close();
    }
  });
});

describe('proof-of-work off', () => {
  it('mode never: starts need no proof and the page shows no check', async () => {
    const t = await startTestApp({ overrides: { risk: { proofOfWork: { mode: 'never' } } } });
    try {
      const res = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: ALICE.username } });
      expect(res.statusCode, res.body).toBe(202);
      const page = await t.server.inject({ method: 'GET', url: '/reset' });
      expect(page.body).not.toContain('altcha-widget');
      expect(page.body).not.toContain('waitTicket');
    } finally {
      await t.close();
    }
  });
});
