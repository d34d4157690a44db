import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, expectProblem, postJson, startReset } from './api-client.js';

/**
 * Anything malformed answers a 400 problem (too large and not JSON included), never a 500,
 * and never does anything: one value per field (SECURITY.md, the GitLab CVE-2023-7028 class).
 */
describe('JSON API: malformed input', () => {
  let t: TestApp;
  let flowId: string;

  beforeAll(async () => {
    t = await startTestApp();
    flowId = await startReset(t, BOB.username);
    await t.deliverMail();
  });
  afterAll(async () => {
    await t.close();
  });

  /** For each endpoint, bodies that must all be refused with 400 invalid_request. */
  const badBodies = (valid: Record<string, unknown>, optional: readonly string[]): Array<[string, unknown]> => {
    const cases: Array<[string, unknown]> = [
      ['an empty object', {}],
      ['an unknown field', { ...valid, extra: 'x' }],
      ['a prototype-polluting field', JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(valid).slice(1, -1)}}`)],
      ['a JSON array as the body', [valid]],
      ['a JSON string as the body', 'just a string'],
      ['a JSON number as the body', 42],
      ['JSON null as the body', null],
    ];
    for (const field of Object.keys(valid)) {
      const without = { ...valid };
      delete without[field];
      if (!optional.includes(field)) cases.push([`${field} missing`, without]);
      cases.push(
        [`${field} as a number`, { ...valid, [field]: 12345678 }],
        [`${field} as a boolean`, { ...valid, [field]: true }],
        [`${field} as null`, { ...valid, [field]: null }],
        [`${field} as an array of one`, { ...valid, [field]: [valid[field]] }],
        [`${field} as an array of two`, { ...valid, [field]: [valid[field], 'attacker@evil.example'] }],
        [`${field} as an object`, { ...valid, [field]: { value: valid[field] } }],
        [`${field} empty`, { ...valid, [field]: '' }],
        [`${field} far too long`, { ...valid, [field]: 'a'.repeat(5000) }],
      );
    }
    return cases;
  };

  const endpoints: Array<{ name: string; url: () => string; valid: Record<string, unknown>; optional?: string[] }> = [
    { name: 'start', url: () => '/api/v1/reset', valid: { tenant: 'demo', identifier: ALICE.username }, optional: ['tenant'] },
    { name: 'verify', url: () => `/api/v1/reset/${flowId}/verify`, valid: { code: '123456' } },
    { name: 'password', url: () => `/api/v1/reset/${flowId}/password`, valid: { password: 'marble kestrel outpost tundra 47' } },
    {
      name: 'change',
      url: () => '/api/v1/password/change',
      valid: { tenant: 'demo', identifier: ALICE.username, currentPassword: ALICE.password, newPassword: 'marble kestrel outpost tundra 47' },
      optional: ['tenant'],
    },
  ];

  for (const endpoint of endpoints) {
    describe(`${endpoint.name}`, () => {
      for (const [label, body] of badBodies(endpoint.valid, endpoint.optional ?? [])) {
        it(`refuses ${label} with 400`, async () => {
          const res = await postJson(t, endpoint.url(), JSON.stringify(body));
          const problem = expectProblem(res, 400, 'invalid_request');
          expect(problem.instance).toBe(res.headers['x-request-id']);
        });
      }

      it('refuses invalid JSON with 400', async () => {
        expectProblem(await postJson(t, endpoint.url(), '{"identifier": "alice",'), 400, 'invalid_request');
        expectProblem(await postJson(t, endpoint.url(), "{'identifier': 'alice'}"), 400, 'invalid_request');
      });

      it('refuses an empty JSON body and a missing body with 400', async () => {
        expectProblem(await postJson(t, endpoint.url(), ''), 400, 'invalid_request');
        expectProblem(await t.server.inject({ method: 'POST', url: endpoint.url() }), 400, 'invalid_request');
      });

      it('refuses a body over the size limit with 400', async () => {
        const huge = JSON.stringify({ ...endpoint.valid, padding: 'x'.repeat(t.config.server.bodyLimit + 1) });
        expectProblem(await postJson(t, endpoint.url(), huge), 400, 'invalid_request');
      });

      it('refuses a form post and other non-JSON content types with 400', async () => {
        const form = new URLSearchParams(endpoint.valid as Record<string, string>).toString();
        for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
          const res = await t.server.inject({ method: 'POST', url: endpoint.url(), headers: { 'content-type': type }, payload: form });
          expectProblem(res, 400, 'invalid_request');
        }
      });
    });
  }

  it('a malformed flow id in the path is a 400 problem, not a 500', async () => {
    const ids = ['short', 'has%20spaces%20in%20it%20here', '%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00', '..%2F..%2F..%2Fetc%2Fpasswd0000'];
    for (const id of ids) {
      expectProblem(await t.server.inject({ method: 'GET', url: `/api/v1/reset/${id}` }), 400, 'invalid_request');
      expectProblem(await postJson(t, `/api/v1/reset/${id}/verify`, { code: '123456' }), 400, 'invalid_request');
      expectProblem(await postJson(t, `/api/v1/reset/${id}/password`, { password: 'marble kestrel outpost tundra 47' }), 400, 'invalid_request');
    }
  });

  // These fail in Fastify's router, before any hook or plugin error handler: only the server's
  // `frameworkErrors` option can turn them into problem JSON (and keep the path out of the body).
  it('a flow id over the router limit or with broken percent-encoding is a 4xx problem, not a 500', async () => {
    for (const id of ['x'.repeat(300), '%E0%A4%A']) {
      const responses = [
        await t.server.inject({ method: 'GET', url: `/api/v1/reset/${id}` }),
        await postJson(t, `/api/v1/reset/${id}/verify`, { code: '123456' }),
      ];
      for (const res of responses) {
        expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, res.body).toBeLessThan(500);
        expect(res.headers['content-type'], res.body).toMatch(/^application\/problem\+json/);
        expect(['invalid_request', 'not_found']).toContain(res.json<{ code: string }>().code);
        expect(res.body).not.toContain(id);
      }
    }
  });

  it('a well-formed but unknown flow id is 410 flow_invalid', async () => {
    const unknown = 'A'.repeat(32);
    expectProblem(await t.server.inject({ method: 'GET', url: `/api/v1/reset/${unknown}` }), 410, 'flow_invalid');
    expectProblem(await postJson(t, `/api/v1/reset/${unknown}/verify`, { code: '123456' }), 410, 'flow_invalid');
    expectProblem(await postJson(t, `/api/v1/reset/${unknown}/password`, { password: 'marble kestrel outpost tundra 47' }), 410, 'flow_invalid');
  });

  it('an unknown tenant is refused by pattern or answered like any unknown account, never a 500', async () => {
    expectProblem(await postJson(t, '/api/v1/reset', { tenant: 'Not A Tenant!', identifier: ALICE.username }), 400, 'invalid_request');
    const res = await postJson(t, '/api/v1/reset', { tenant: 'no-such-tenant', identifier: ALICE.username });
    expect(res.statusCode).toBe(202);
  });

  it('none of the refused requests sent a message or started a flow for alice', async () => {
    await t.deliverMail();
    // The only mail alice may have is from the unknown-tenant start above, which is a decoy and sends none.
    expect(await t.mailsTo(ALICE.email)).toEqual([]);
    expect(await t.mailsTo('attacker@evil.example')).toEqual([]);
  });
});
