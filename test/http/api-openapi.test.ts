import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '../../src/http/admin/areas/index.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectProblem, postJson } from './api-client.js';

interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('JSON API: OpenAPI document and unknown routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves an OpenAPI 3.1 document listing every operation and nothing outside /api', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = JSON.parse(res.body) as { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Unlatch API');
    expect(doc.info.version.length).toBeGreaterThan(0);

    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    // The admin API (the console as JSON) is listed in its own test below; here, the people's API.
    expect(operations.filter((op) => !op.includes('/api/v1/admin')).sort()).toEqual(
      [
        'POST /api/v1/reset',
        'GET /api/v1/reset/challenge',
        'POST /api/v1/unlock',
        'POST /api/v1/reset/{flowId}/unlock',
        'GET /api/v1/reset/{flowId}',
        'POST /api/v1/reset/{flowId}/verify',
        'POST /api/v1/reset/{flowId}/password',
        'POST /api/v1/password/change',
        'POST /api/v1/me/session',
        'POST /api/v1/me/session/pass',
        'POST /api/v1/me/session/verify',
        'DELETE /api/v1/me/session',
        'GET /api/v1/me/methods',
        'POST /api/v1/me/methods',
        'POST /api/v1/me/methods/{methodId}/finish',
        'DELETE /api/v1/me/methods/{methodId}',
        'POST /api/v1/me/methods/review',
        'POST /api/v1/me/passkeys/options',
        'POST /api/v1/me/passkeys',
        'POST /api/v1/me/session/passkey/options',
        'POST /api/v1/reset/{flowId}/passkey/options',
        'POST /api/v1/reset/{flowId}/sms',
        'POST /api/v1/me/session/sms',
        'GET /api/v1/me/methods/questions',
        'PUT /api/v1/me/methods/questions',
        'PATCH /api/v1/me/methods/{methodId}',
        'POST /api/v1/me/methods/{methodId}/test',
        'POST /api/v1/me/methods/{methodId}/test/finish',
      ].sort(),
    );

    const ids = new Set<string>();
    for (const [key, op] of Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, o]) => [`${m} ${path}`, o] as const))) {
      expect(op.operationId, key).toBeTruthy();
      ids.add(op.operationId!);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, key).toHaveLength(1);
      expect(op.responses['400']?.content, key).toHaveProperty(['application/problem+json']);
      if (op.requestBody) {
        const schema = op.requestBody.content['application/json']!.schema;
        expect(schema.additionalProperties, key).toBe(false);
        for (const [name, prop] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
          // WebAuthn answers (passkeys) are objects: closed, with bounded strings inside (webauthn-schemas.ts).
          if (prop.type === 'object') {
            expect(prop.additionalProperties, `${key} ${name}`).toBe(false);
            continue;
          }
          // Lists (security questions and their answers): bounded in length, of bounded strings or closed objects.
          if (prop.type === 'array') {
            expect(prop.maxItems, `${key} ${name}`).toEqual(expect.any(Number));
            const items = prop.items as Record<string, unknown>;
            if (items.type === 'object') expect(items.additionalProperties, `${key} ${name}[]`).toBe(false);
            else expect(items, `${key} ${name}[]`).toMatchObject({ type: 'string', minLength: expect.any(Number), maxLength: expect.any(Number) });
            continue;
          }
          expect(prop.type, `${key} ${name}`).toBe('string');
          expect(prop.maxLength, `${key} ${name}`).toEqual(expect.any(Number));
          expect(prop.minLength, `${key} ${name}`).toEqual(expect.any(Number));
        }
      }
    }
    // Every operation has its own id.
    expect(ids.size).toBe(operations.length);
    expect(doc.paths['/api/v1/reset']!.post!.responses).toHaveProperty('202');
    expect(doc.paths['/api/v1/reset']!.post!.responses).toHaveProperty('429');
  });

  it('lists the admin API: every console area as JSON, tagged admin, behind a bearer token', async () => {
    const doc = (await t.server.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const admin = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/v1/admin'));
    const areas = new Set(admin.map(([path]) => /^\/api\/v1\/admin\/tenants\/\{tenant\}\/([a-z-]+)/.exec(path)?.[1]).filter(Boolean));
    for (const area of AREAS.filter((a) => a.api)) expect(areas, area.id).toContain(area.id);
    for (const [path, ops] of admin) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.tags, `${method} ${path}`).toEqual(['admin']);
        expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
        expect(op.responses, `${method} ${path}`).toHaveProperty('403');
      }
    }
  });

  it('an unknown route under /api answers a 404 problem', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/reset'],
      ['POST', '/api/v1/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/unknown'],
      ['GET', '/api/v1/reset'],
      ['DELETE', '/api/v1/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['GET', '/api'],
      ['GET', '/api/'],
    ] as const) {
      const res = await t.server.inject({ method, url });
      const problem = expectProblem(res, 404, 'not_found');
      // The title comes from the API's message catalogue, not the bare code.
      expect(problem.title).not.toBe('not_found');
    }
  });

  it('every API answer, success or problem, is Cache-Control: no-store', async () => {
    const responses = [
      await postJson(t, '/api/v1/reset', { identifier: 'nosuchuser' }),
      await postJson(t, '/api/v1/reset', { identifier: 5 }),
      await t.server.inject({ method: 'GET', url: '/api/v1/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
      await t.server.inject({ method: 'GET', url: '/api/openapi.json' }),
      await t.server.inject({ method: 'GET', url: '/api/nope' }),
    ];
    for (const res of responses) expect(res.headers['cache-control'], res.body).toBe('no-store');
  });
});
