import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/test-app.js';

/** Demo users seeded in dev mode (`src/adapters/store/demo-seed.ts`). */
export const ALICE = { username: 'alice', email: 'alice@example.com', password: 'violet sandwich glacier' } as const;
export const BOB = { username: 'bob', email: 'bob@example.com', password: 'copper lantern meadow' } as const;
export const CAROL = { username: 'carol', email: 'carol@example.com', password: 'quiet harbor pinwheel' } as const;

/** Passwords the rules accept for the demo users (long, uncommon, no context words). */
export const STRONG_PASSWORD = 'marble kestrel outpost tundra 47';
export const OTHER_STRONG_PASSWORD = 'saffron viaduct plankton orbit 93';

export function postJson(t: TestApp, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.server.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function getJson(t: TestApp, url: string): Promise<LightMyRequestResponse> {
  return t.server.inject({ method: 'GET', url });
}

/** Starts a reset and returns the flow id (asserting the 202 shape). */
export async function startReset(t: TestApp, identifier: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await postJson(t, '/api/v1/reset', { identifier }, headers);
  expect(res.statusCode, res.body).toBe(202);
  const body = res.json<{ flowId: string; next: string }>();
  expect(body.next).toBe('verify_code');
  return body.flowId;
}

export function verify(t: TestApp, flowId: string, code: string): Promise<LightMyRequestResponse> {
  return postJson(t, `/api/v1/reset/${flowId}/verify`, { code });
}

export function setPassword(t: TestApp, flowId: string, password: string): Promise<LightMyRequestResponse> {
  return postJson(t, `/api/v1/reset/${flowId}/password`, { password });
}

export function changePassword(t: TestApp, identifier: string, currentPassword: string, newPassword: string): Promise<LightMyRequestResponse> {
  return postJson(t, '/api/v1/password/change', { identifier, currentPassword, newPassword });
}

/** Start → code from the mail → verify: a flow waiting for the new password. */
export async function flowAtPasswordStep(t: TestApp, user: { username: string; email: string }): Promise<string> {
  const flowId = await startReset(t, user.username);
  const res = await verify(t, flowId, await t.codeFor(user.email));
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ next: 'set_password' });
  return flowId;
}

/** A digit string of the same length that is certainly not `code`. */
export function wrongCode(code: string): string {
  return code.replace(/^./, (d) => String((Number(d) + 1) % 10));
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  instance?: string;
  detail?: string;
  [extension: string]: unknown;
}

/**
 * The reasons of a `password_rejected` problem, after checking that each message is a sentence for a person,
 * not a directory's words (LDAP result codes, OIDs, ppolicy error names, AD diagnostics).
 */
export function plainReasons(body: ProblemBody): { code: string; message: string }[] {
  const reasons = body.reasons as { code: string; message: string }[];
  expect(reasons.length).toBeGreaterThan(0);
  for (const { message } of reasons) {
    expect(message).toMatch(/^[A-Z].*[.!]$/);
    expect(message).not.toMatch(/LDAP|ldap|constraint|0x|1\.3\.6\.1|password(InHistory|TooShort|TooYoung)|0000052D|DSID|WERR|unicodePwd|\bdata [0-9a-f]{3}\b/);
  }
  return reasons;
}

/** Asserts an RFC 9457 problem with this status and code, uncached; returns the body. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const body = res.json<ProblemBody>();
  expect(body).toMatchObject({ status, code, type: `urn:unlatch:problem:${code}` });
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  return body;
}
