import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Argon2AnswerHasher } from '../../src/adapters/methods/answer-hasher.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { DEFAULT_QUESTION_CHOICES } from '../../src/config/questions-schema.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { QuestionRegistration } from '../../src/core/methods/questions/question-registration.js';
import { DEFAULT_TENANT_POLICY } from '../../src/core/policy/method-policy.js';
import type { RawConfig } from '../../src/config/schema.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, expectProblem, STRONG_PASSWORD, wrongCode } from './api-client.js';

/** Security questions allowed, two proofs needed: the questions can only ever be the second. */
const TWO_PROOFS_WITH_QUESTIONS: RawConfig = { policy: { default: { allowedMethods: ['email_code', 'totp', 'backup_code', 'questions'], requiredMethods: 2 } } };
const Q = DEFAULT_QUESTION_CHOICES;
const ITEMS = [
  { question: Q[0]!, answer: 'Mister Flopsy' },
  { question: Q[1]!, answer: 'Kraftwerk in Düsseldorf' },
  { question: Q[3]!, answer: 'Valparaíso' },
];
const ANSWERS = ITEMS.map((i) => i.answer);
const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-questions-api' };

describe('JSON API: security questions', () => {
  let t: TestApp | undefined;
  /** Every response of a test, to check that no answer ever comes back. */
  const seen: LightMyRequestResponse[] = [];
  afterEach(async () => {
    await t?.close();
    t = undefined;
    seen.length = 0;
  });

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, token?: string) => {
    const res = await t!.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: token ? { authorization: `Bearer ${token}` } : {} });
    seen.push(res);
    return res;
  };
  const signIn = async () => {
    const res = await call('POST', '/api/v1/me/session', { identifier: ALICE.username, password: ALICE.password });
    expect(res.json()).toMatchObject({ next: 'done' });
    return (res.json() as { token: string }).token;
  };
  const register = async (token: string, items = ITEMS) => {
    const res = await call('PUT', '/api/v1/me/methods/questions', { items }, token);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { methodId: string; questions: string[] };
  };
  const start = async (identifier: string) => ((await call('POST', '/api/v1/reset', { identifier })).json() as { flowId: string }).flowId;
  const firstProof = async (flowId: string) => {
    const res = await call('POST', `/api/v1/reset/${flowId}/verify`, { code: await t!.codeFor(ALICE.email) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { next: string; methods: Array<{ method: string; label: string; questions?: string[] }> };
  };
  const expectNoAnswerAnywhere = async (extra: string[] = []) => {
    await t!.deliverMail();
    const mails = await t!.mailsTo(ALICE.email);
    const audit = await t!.app.database.db.selectFrom('audit_log').select(['event', 'details']).execute();
    const methods = await t!.app.database.db.selectFrom('methods').selectAll().execute();
    const everything = [...seen.map((r) => r.body), JSON.stringify(mails), JSON.stringify(audit), JSON.stringify(methods)].join('\n').toLowerCase();
    for (const answer of [...ANSWERS, ...extra, 'flopsy', 'kraftwerk', 'valparaiso', 'valparaíso']) expect(everything).not.toContain(answer.toLowerCase());
  };

  it('registers a set: choices offered, only the questions shown back, listed as one method, audited and notified', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    const token = await signIn();
    const choices = await call('GET', '/api/v1/me/methods/questions', undefined, token);
    expect(choices.statusCode).toBe(200);
    expect(choices.json()).toEqual({ allowed: true, count: 3, allowCustom: false, choices: [...Q], registered: null });

    const saved = await register(token);
    expect(saved).toEqual({ methodId: expect.any(String), questions: [Q[0], Q[1], Q[3]] });
    const listed = (await call('GET', '/api/v1/me/methods', undefined, token)).json() as { methods: Array<Record<string, unknown>> };
    expect(listed.methods).toEqual([{ id: saved.methodId, kind: 'questions', name: 'Security questions', createdAt: expect.any(String), lastUsedAt: null }]);
    const after = (await call('GET', '/api/v1/me/methods/questions', undefined, token)).json() as { registered: unknown };
    expect(after.registered).toEqual({ methodId: saved.methodId, questions: [Q[0], Q[1], Q[3]], createdAt: expect.any(String) });

    // A new set replaces the old one: still one method.
    const replaced = await register(token, [ITEMS[0]!, ITEMS[1]!, { question: Q[5]!, answer: 'Jurassic Park' }]);
    const again = (await call('GET', '/api/v1/me/methods', undefined, token)).json() as { methods: Array<{ id: string; kind: string }> };
    expect(again.methods.filter((m) => m.kind === 'questions').map((m) => m.id)).toEqual([replaced.methodId]);

    const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'method.added').execute();
    expect(events.map((e) => JSON.parse(e.details) as Record<string, unknown>)).toMatchObject([{ kind: 'questions', replaced: false }, { kind: 'questions', replaced: true }]);
    await t.deliverMail();
    expect((await t.mailsTo(ALICE.email)).some((m) => m.text.includes('Security questions'))).toBe(true);

    // Removed like any method (the emailed code alone cannot satisfy two proofs, so the policy refuses first).
    expectProblem(await call('DELETE', `/api/v1/me/methods/${replaced.methodId}`, undefined, token), 409, 'method_required');
    await expectNoAnswerAnywhere(['Jurassic Park', 'jurassic']);
  });

  it('removes the set like any other method when the policy does not need it', async () => {
    t = await startTestApp({ overrides: { policy: { default: { allowedMethods: ['email_code', 'questions'], requiredMethods: 1 } } } });
    const token = await signIn();
    const { methodId } = await register(token);
    const removed = await call('DELETE', `/api/v1/me/methods/${methodId}`, undefined, token);
    expect(removed.statusCode, removed.body).toBe(204);
    expect(((await call('GET', '/api/v1/me/methods', undefined, token)).json() as { methods: unknown[] }).methods).toEqual([]);
    expect(((await call('GET', '/api/v1/me/methods/questions', undefined, token)).json() as { registered: unknown }).registered).toBeNull();
    const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'method.removed').execute();
    expect(events.map((e) => JSON.parse(e.details) as Record<string, unknown>)).toMatchObject([{ kind: 'questions', count: 1 }]);
    expect(await t.app.database.db.selectFrom('methods').select('id').where('kind', '=', 'questions').execute()).toEqual([]);
  });

  it('refuses sets that break the rules with problem JSON naming every problem, and never echoes an answer', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    const token = await signIn();
    const tooFew = expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: ITEMS.slice(0, 2) }, token), 400, 'invalid_request');
    expect(tooFew.problems).toEqual(['too_few']);
    const duplicate = expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: [ITEMS[0], ITEMS[1], { question: Q[0]!.toUpperCase(), answer: 'Another one' }] }, token), 400, 'invalid_request');
    expect(duplicate.problems).toContain('duplicate_question');
    expect(duplicate.items).toContainEqual({ index: 2, field: 'question', problem: 'duplicate_question' });
    const repeats = expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: [ITEMS[0], ITEMS[1], { question: Q[6]!, answer: 'nickname' }] }, token), 400, 'invalid_request');
    expect(repeats.items).toEqual([{ index: 2, field: 'answer', problem: 'answer_repeats_question' }]);
    const notOffered = expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: [ITEMS[0], ITEMS[1], { question: 'What is my password?', answer: 'Hunter2' }] }, token), 400, 'invalid_request');
    expect(notOffered.items).toEqual([{ index: 2, field: 'question', problem: 'question_not_offered' }]);
    // One value per field: a number, an object or an unknown key is malformed before core sees it.
    expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: [{ question: Q[0], answer: 42 }] }, token), 400, 'invalid_request');
    expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: [{ question: Q[0], answer: 'x', extra: 'y' }] }, token), 400, 'invalid_request');
    expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: ITEMS, kind: 'questions' }, token), 400, 'invalid_request');
    expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: ITEMS }), 401, 'session_invalid');
    expect(((await call('GET', '/api/v1/me/methods', undefined, token)).json() as { methods: unknown[] }).methods).toEqual([]);
    for (const res of seen) expect(res.body).not.toContain('Hunter2');
  });

  it('is refused clearly, and never offered or accepted, where the policy does not allow questions (the default)', async () => {
    // Two proofs, but without questions (the default allowedMethods leaves them out).
    t = await startTestApp({ overrides: { policy: { default: { requiredMethods: 2 } } } });
    const token = await signIn();
    expect((await call('GET', '/api/v1/me/methods/questions', undefined, token)).json()).toMatchObject({ allowed: false, registered: null });
    const refused = expectProblem(await call('PUT', '/api/v1/me/methods/questions', { items: ITEMS }, token), 403, 'method_not_allowed');
    expect(refused.title).toContain('does not allow');

    // A set stored while another policy allowed it is neither offered nor accepted now.
    const alice = await t.accountOf('alice');
    const methods = new SqlMethodRepository(t.app.database.db, new Sealer(t.app.keys, 'totp-seal'));
    const allowing = { ...DEFAULT_TENANT_POLICY, defaults: { ...DEFAULT_TENANT_POLICY.defaults, allowedMethods: ['email_code' as const, 'questions' as const], requiredMethods: 2 as const } };
    const elsewhere = new QuestionRegistration({ store: t.app.store, methods, tenants: { defaultTenantId: 'demo', get: () => null, list: () => [] }, clock: t.clock, hasher: new Argon2AnswerHasher(), settings: t.config.securityQuestions, policyFor: () => allowing });
    expect((await elsewhere.setQuestions({ account: alice, items: ITEMS, client })).ok).toBe(true);
    const flowId = await start('alice');
    const view = (await call('GET', `/api/v1/reset/${flowId}`)).json() as { methods: Array<{ method: string }> };
    expect(view.methods.map((m) => m.method)).not.toContain('questions');
    const first = await firstProof(flowId);
    expect(first.next).toBe('verify_second');
    expect(first.methods.map((m) => m.method)).not.toContain('questions');
    expect(JSON.stringify(first)).not.toContain(Q[0]!);
    // The right answers, at the second step, fail like a wrong code.
    const wrongKind = await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: ANSWERS });
    expect(expectProblem(wrongKind, 422, 'code_invalid').attemptsLeft).toBe(4);
  });

  it('resets with the emailed code, then the answers (any case and spacing) as the second proof', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    await register(await signIn());
    const flowId = await start('alice');
    const first = await firstProof(flowId);
    expect(first.next).toBe('verify_second');
    expect(first.methods).toEqual([{ method: 'questions', label: 'Your security questions', questions: [Q[0], Q[1], Q[3]] }]);
    const view = (await call('GET', `/api/v1/reset/${flowId}`)).json() as { next: string; methods: unknown[] };
    expect(view).toMatchObject({ next: 'verify_second', methods: [{ method: 'questions', questions: [Q[0], Q[1], Q[3]] }] });

    const verified = await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: ['mister flopsy', 'KRAFTWERK in düsseldorf!', ' Valparaíso. '] });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ next: 'set_password' });
    expect((await call('POST', `/api/v1/reset/${flowId}/password`, { password: STRONG_PASSWORD })).statusCode).toBe(200);
    const proofs = await t.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'reset.code_verified').execute();
    expect(proofs.map((p) => (JSON.parse(p.details) as { method: string }).method)).toEqual(['email_code', 'questions']);
    await expectNoAnswerAnywhere();
  });

  it('counts a wrong answer as an attempt, and the last allowed attempt ends the flow', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    await register(await signIn());
    const flowId = await start('alice');
    await firstProof(flowId);
    const oneWrong = [ANSWERS[0]!, ANSWERS[1]!, 'Santiago'];
    for (let left = 4; left >= 1; left -= 1) {
      const wrong = expectProblem(await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: oneWrong }), 422, 'code_invalid');
      expect(wrong.attemptsLeft).toBe(left);
    }
    // The right answers come too late: the fifth wrong try ended the flow.
    expectProblem(await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: ANSWERS.slice(0, 2) }), 410, 'code_attempts_exceeded');
    expectProblem(await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: ANSWERS }), 410, 'flow_invalid');
    const failed = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', 'in', ['reset.code_failed', 'reset.attempts_exceeded']).execute();
    expect(failed.map((f) => f.event)).toEqual(['reset.code_failed', 'reset.code_failed', 'reset.code_failed', 'reset.code_failed', 'reset.attempts_exceeded']);
    expect(failed.every((f) => (JSON.parse(f.details) as { method: string }).method === 'questions')).toBe(true);
  });

  it('is never a first proof: not offered before a proof, and right answers then fail like a wrong code', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    await register(await signIn());
    const flowId = await start('alice');
    const before = (await call('GET', `/api/v1/reset/${flowId}`)).json() as { next: string; methods: Array<{ method: string; questions?: unknown }> };
    expect(before.next).toBe('verify_code');
    expect(before.methods.map((m) => m.method)).not.toContain('questions');
    expect(JSON.stringify(before)).not.toContain(Q[0]!);
    const early = expectProblem(await call('POST', `/api/v1/reset/${flowId}/verify`, { method: 'questions', answers: ANSWERS }), 422, 'code_invalid');
    expect(early.attemptsLeft).toBe(4);
    // The flow is still at its first step; the emailed code then leads to the questions.
    expect((await firstProof(flowId)).methods.map((m) => m.method)).toEqual(['questions']);
  });

  it('answers a decoy flow exactly like a real one: same status, same body, attempts counted the same', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    await register(await signIn());
    const shape = (res: LightMyRequestResponse) => {
      const { instance: _instance, ...rest } = res.json() as Record<string, unknown>;
      return { status: res.statusCode, type: res.headers['content-type'], body: rest };
    };
    const real = await start('alice');
    const decoy = await start('nosuchuser');
    const without = await start('bob'); // has no questions
    const answers = { method: 'questions', answers: ANSWERS };
    const results = await Promise.all([real, decoy, without].map(async (flowId) => shape(await call('POST', `/api/v1/reset/${flowId}/verify`, answers))));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]).toMatchObject({ status: 422, body: { code: 'code_invalid', attemptsLeft: 4 } });
    const decoyView = (await call('GET', `/api/v1/reset/${decoy}`)).json() as Record<string, unknown>;
    const realView = (await call('GET', `/api/v1/reset/${real}`)).json() as Record<string, unknown>;
    expect({ ...decoyView, expiresAt: null }).toEqual({ ...realView, expiresAt: null });
    // A decoy can never reach the second step: its emailed code does not work either.
    expectProblem(await call('POST', `/api/v1/reset/${decoy}/verify`, { code: wrongCode('123456') }), 422, 'code_invalid');
  });

  it('takes answers as an array of bounded strings, and only with method questions', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    const flowId = await start('alice');
    const verifyWith = (body: unknown) => call('POST', `/api/v1/reset/${flowId}/verify`, body);
    expectProblem(await verifyWith({ method: 'questions' }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: 'Mister Flopsy' }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: [1, 2, 3] }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: ['a', 'b', ''] }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: Array.from({ length: 11 }, () => 'x') }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: ['x'.repeat(1001), 'b', 'c'] }), 400, 'invalid_request');
    expectProblem(await verifyWith({ method: 'questions', answers: ANSWERS, code: '123456' }), 400, 'invalid_request');
    expectProblem(await verifyWith({ code: '123456', answers: ANSWERS }), 400, 'invalid_request');
    // None of these spent an attempt.
    expect(((await call('GET', `/api/v1/reset/${flowId}`)).json() as { attemptsLeft: number }).attemptsLeft).toBe(5);
  });
});
