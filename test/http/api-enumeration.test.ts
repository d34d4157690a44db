import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, expectProblem, getJson, postJson, verify, type ProblemBody } from './api-client.js';

/** Headers that differ per request by nature. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id']);

function headerNames(res: LightMyRequestResponse): string[] {
  return Object.keys(res.headers).filter((h) => !PER_REQUEST_HEADERS.has(h)).sort();
}

function stableHeaders(res: LightMyRequestResponse): Record<string, unknown> {
  return Object.fromEntries(Object.entries(res.headers).filter(([h]) => !PER_REQUEST_HEADERS.has(h)));
}

/** The shape of a JSON value: keys and value types, recursively, without the values. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shapeOf(v)]));
  }
  return typeof value;
}

async function disable(t: TestApp, username: string): Promise<void> {
  const [user] = await t.app.users.findByIdentifier('demo', username);
  expect(user, `demo user ${username}`).toBeDefined();
  await t.app.users.setFlags('demo', user!.id, { enabled: false }, t.clock.now());
}

describe('JSON API: enumeration, host headers and rate limits', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('start answers the same for an existing, an unknown and a disabled account', async () => {
    t = await startTestApp();
    await disable(t, BOB.username);
    const existing = await postJson(t, '/api/v1/reset', { identifier: ALICE.username });
    const unknown = await postJson(t, '/api/v1/reset', { identifier: 'nosuchuser' });
    const disabled = await postJson(t, '/api/v1/reset', { identifier: BOB.username });
    const unknownEmail = await postJson(t, '/api/v1/reset', { identifier: 'nobody@example.com' });
    const all = [existing, unknown, disabled, unknownEmail];

    for (const res of all) {
      expect(res.statusCode, res.body).toBe(202);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(headerNames(res)).toEqual(headerNames(existing));
      expect(stableHeaders(res)).toEqual(stableHeaders(existing));
      expect(shapeOf(res.json())).toEqual(shapeOf(existing.json()));
      expect(res.body.length).toBe(existing.body.length);
      const body = res.json<{ flowId: string; next: string; expiresAt: string }>();
      expect(body.next).toBe('verify_code');
      expect(body.flowId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Math.abs(Date.parse(body.expiresAt) - Date.parse(existing.json<{ expiresAt: string }>().expiresAt))).toBeLessThan(5_000);
    }
    expect(existing.headers['cache-control']).toBe('no-store');

    // Only the real account gets mail.
    await t.deliverMail();
    expect(await t.mailsTo(ALICE.email)).toHaveLength(1);
    expect(await t.mailsTo(BOB.email)).toHaveLength(0);

    // The decoy flows behave like real ones on the next steps too.
    const views = await Promise.all(all.map((res) => getJson(t!, `/api/v1/reset/${res.json<{ flowId: string }>().flowId}`)));
    for (const view of views) {
      expect(view.statusCode).toBe(200);
      expect(shapeOf(view.json())).toEqual(shapeOf(views[0]!.json()));
      expect(view.json()).toMatchObject({ next: 'verify_code', attemptsLeft: 5 });
    }
    const wrongs: ProblemBody[] = [];
    for (const res of all) {
      wrongs.push(expectProblem(await verify(t, res.json<{ flowId: string }>().flowId, '000000'), 422, 'code_invalid'));
    }
    for (const wrong of wrongs) {
      const { instance: _i, ...rest } = wrong;
      const { instance: _j, ...first } = wrongs[0]!;
      expect(rest).toEqual(first);
    }
  });

  it('a second start ends the first flow for unknown identifiers exactly as for real accounts', async () => {
    t = await startTestApp();
    for (const identifier of [ALICE.username, 'nosuchuser']) {
      const first = (await postJson(t, '/api/v1/reset', { identifier })).json<{ flowId: string }>().flowId;
      const second = (await postJson(t, '/api/v1/reset', { identifier })).json<{ flowId: string }>().flowId;
      expectProblem(await getJson(t, `/api/v1/reset/${first}`), 410, 'flow_invalid');
      expect((await getJson(t, `/api/v1/reset/${second}`)).statusCode).toBe(200);
    }
  });

  it('links and text in the mail never come from Host or X-Forwarded-Host', async () => {
    // Even with trustProxy on, where Fastify itself believes X-Forwarded-Host.
    t = await startTestApp({ overrides: { server: { trustProxy: true } } });
    const res = await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      forwarded: 'host=evil.example;proto=https',
      origin: 'https://evil.example',
      referer: 'https://evil.example/reset',
    });
    expect(res.statusCode).toBe(202);
    expect(res.body).not.toContain('evil.example');
    expect(JSON.stringify(res.headers)).not.toContain('evil.example');

    await t.deliverMail();
    const mails = await t.mailsTo(ALICE.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.text).toMatch(/\b\d{6}\b/);
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toContain('evil.example');
    // What the mail does link to is the configured public URL.
    if (/https?:\/\//.test(mail.text)) expect(mail.text).toContain(t.config.publicUrl!);
  });

  it('a rate-limited start answers 429 with Retry-After and the same body for existing and unknown accounts', async () => {
    t = await startTestApp({ overrides: { rateLimits: { start_identifier: { points: 2, durationSeconds: 900 } } } });
    const limited: LightMyRequestResponse[] = [];
    for (const identifier of [ALICE.username, 'nosuchuser']) {
      for (let i = 0; i < 2; i++) expect((await postJson(t, '/api/v1/reset', { identifier })).statusCode).toBe(202);
      limited.push(await postJson(t, '/api/v1/reset', { identifier }));
    }
    const [existing, unknown] = limited as [LightMyRequestResponse, LightMyRequestResponse];
    const problems = [expectProblem(existing, 429, 'rate_limited'), expectProblem(unknown, 429, 'rate_limited')];
    for (const [i, res] of limited.entries()) {
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(problems[i]!.retryAfterSeconds).toBe(retryAfter);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).not.toMatch(/alice|nosuchuser/);
    }
    expect(headerNames(existing)).toEqual(headerNames(unknown));
    const strip = ({ instance: _i, retryAfterSeconds, ...rest }: ProblemBody) => ({ ...rest, retryAfterSeconds: typeof retryAfterSeconds });
    expect(strip(problems[0]!)).toEqual(strip(problems[1]!));
    expect(Math.abs(Number(existing.headers['retry-after']) - Number(unknown.headers['retry-after']))).toBeLessThanOrEqual(1);

    // The limit is per identifier: another account is not affected.
    expect((await postJson(t, '/api/v1/reset', { identifier: BOB.username })).statusCode).toBe(202);
  });

  it('password change is rate limited per identifier with 429 and Retry-After', async () => {
    t = await startTestApp({ overrides: { rateLimits: { change_identifier: { points: 2, durationSeconds: 600 } } } });
    for (let i = 0; i < 2; i++) {
      expectProblem(await postJson(t, '/api/v1/password/change', { identifier: 'nosuchuser', currentPassword: 'x', newPassword: 'y' }), 401, 'invalid_credentials');
    }
    const res = await postJson(t, '/api/v1/password/change', { identifier: 'nosuchuser', currentPassword: 'x', newPassword: 'y' });
    expectProblem(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
