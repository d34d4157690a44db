import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnlatchError } from '../../src/core/errors.js';
import { QuestionProof, readQuestionSet } from '../../src/core/methods/questions/question-proof.js';
import { QuestionRegistration, type QuestionSettings } from '../../src/core/methods/questions/question-registration.js';
import type { AnswerHasher } from '../../src/core/methods/questions/security-questions.js';
import { DEFAULT_TENANT_POLICY, type TenantPolicy } from '../../src/core/policy/method-policy.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { MethodRepository, NewMethod, RegisteredMethod } from '../../src/core/ports/methods.js';
import type { OutboxMessageInput } from '../../src/core/ports/outbox.js';
import type { Store, StoreTx } from '../../src/core/ports/store.js';

const CHOICES = ['What was your first pet called?', 'In what town did your parents meet?', 'What was your first concert?', 'What was your childhood nickname?'];
const client = { ip: '198.51.100.9', userAgent: 'test', correlationId: 'corr-questions' };
const account: DirectoryAccount = { id: 'u1', tenantId: 't1', username: 'alice', email: 'alice@example.com', groups: [], enabled: true, locked: false };
const allowing: TenantPolicy = { ...DEFAULT_TENANT_POLICY, defaults: { ...DEFAULT_TENANT_POLICY.defaults, allowedMethods: ['email_code', 'questions'], requiredMethods: 2 } };

/** A fast stand-in for argon2 that still never stores the answer itself; counts its work. */
class CountingHasher implements AnswerHasher {
  hashes = 0;
  verifies = 0;
  async hash(answer: string): Promise<string> {
    this.hashes += 1;
    return `sha256:${createHash('sha256').update(answer).digest('hex')}`;
  }
  async verify(hash: string, answer: string): Promise<boolean> {
    this.verifies += 1;
    return hash === `sha256:${createHash('sha256').update(answer).digest('hex')}`;
  }
}

/** Just enough of a store and a method repository to watch what registration writes. */
function fakes() {
  const rows: Array<RegisteredMethod & { secret: string | null }> = [];
  const audit: AuditEntryInput[] = [];
  const outbox: OutboxMessageInput[] = [];
  const reviewed: Date[] = [];
  let next = 0;
  const methods = {
    within: () => methods,
    listForSubject: async (tenantId: string, subjectId: string) => rows.filter((r) => r.tenantId === tenantId && r.subjectId === subjectId),
    add: async (m: NewMethod, now: Date) => {
      const id = `m${++next}`;
      rows.push({ id, tenantId: m.tenantId, subjectId: m.subjectId, kind: m.kind, name: m.name, data: m.data ?? {}, confirmed: m.confirmed ?? false, lastUsedStep: null, createdAt: now, lastUsedAt: null, usedAt: null, secret: m.secret ?? null });
      return id;
    },
    remove: async (_tenantId: string, id: string) => {
      const at = rows.findIndex((r) => r.id === id);
      if (at >= 0) rows.splice(at, 1);
      return at >= 0;
    },
    readSecret: async (_tenantId: string, id: string) => rows.find((r) => r.id === id)?.secret ?? null,
    markReviewed: async (_tenantId: string, _subjectId: string, now: Date) => {
      reviewed.push(now);
    },
  } as unknown as MethodRepository;
  const tx = { audit: { append: async (e: AuditEntryInput) => void audit.push(e) }, outbox: { enqueue: async (m: OutboxMessageInput) => void outbox.push(m) }, native: null } as unknown as StoreTx;
  const store = { transaction: <T>(work: (t: StoreTx) => Promise<T>) => work(tx) } as unknown as Store;
  return { rows, audit, outbox, reviewed, methods, store };
}

function registrationWith(options: { policy?: TenantPolicy; settings?: Partial<QuestionSettings> } = {}) {
  const f = fakes();
  const hasher = new CountingHasher();
  const registration = new QuestionRegistration({
    store: f.store,
    methods: f.methods,
    tenants: { defaultTenantId: 't1', get: () => ({ id: 't1', name: 'Tenant One' }), list: () => [] },
    clock: { now: () => new Date('2026-01-02T03:04:05Z') },
    hasher,
    settings: { choices: CHOICES, allowCustom: false, count: 3, ...options.settings },
    policyFor: () => options.policy ?? allowing,
  });
  return { registration, hasher, ...f };
}

const GOOD = [
  { question: CHOICES[0]!, answer: 'Rex the dog' },
  { question: CHOICES[1]!, answer: 'Ljubljana' },
  { question: CHOICES[2]!, answer: 'Pulp, 1996' },
];

describe('QuestionRegistration', () => {
  it('stores one method with the question texts public and only hashes of the normalized answers sealed; audits and notifies', async () => {
    const { registration, rows, audit, outbox, reviewed } = registrationWith();
    const result = await registration.setQuestions({ account, items: GOOD, client });
    expect(result).toMatchObject({ ok: true, questions: CHOICES.slice(0, 3) });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'questions', name: 'Security questions', confirmed: true, data: { questions: CHOICES.slice(0, 3) } });
    const everything = JSON.stringify(rows) + JSON.stringify(audit) + JSON.stringify(outbox);
    for (const word of ['rex', 'ljubljana', 'pulp']) expect(everything.toLowerCase()).not.toContain(word);
    expect(JSON.parse(rows[0]!.secret!)).toEqual({ answerHashes: [expect.stringMatching(/^sha256:/), expect.stringMatching(/^sha256:/), expect.stringMatching(/^sha256:/)] });
    expect(audit).toMatchObject([{ event: 'method.added', outcome: 'success', details: { kind: 'questions', count: 3, replaced: false } }]);
    expect(outbox).toMatchObject([{ channel: 'email', template: 'methods_changed', to: 'alice@example.com', data: { change: 'added', methodName: 'Security questions' } }]);
    expect(reviewed).toHaveLength(1);

    // What is stored checks the answers in any harmless spelling, and nothing else.
    const set = await readQuestionSet(registration['deps'].methods, 't1', 'u1');
    const proof = new QuestionProof(registration['deps'].hasher);
    expect(await proof.check(set, ['REX THE DOG!', ' ljubljana ', 'pulp 1996'])).toBe(true);
    expect(await proof.check(set, ['Rex the dog', 'Ljubljana', 'Blur, 1996'])).toBe(false);
  });

  it('replaces an earlier set instead of adding a second one', async () => {
    const { registration, rows, audit } = registrationWith();
    await registration.setQuestions({ account, items: GOOD, client });
    const again = await registration.setQuestions({ account, items: [...GOOD.slice(1), { question: CHOICES[3]!, answer: 'Sparky' }], client });
    expect(again.ok).toBe(true);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.questions).toEqual([CHOICES[1], CHOICES[2], CHOICES[3]]);
    expect(audit.at(-1)).toMatchObject({ event: 'method.added', details: { replaced: true } });
    expect((await registration.options(account)).registered).toMatchObject({ questions: [CHOICES[1], CHOICES[2], CHOICES[3]] });
  });

  it('refuses, with every problem and where it is, sets that break the rules; nothing is stored or hashed', async () => {
    const { registration, rows, hasher } = registrationWith();
    const refused = await registration.setQuestions({
      account,
      client,
      items: [
        { question: CHOICES[0]!, answer: 'x' },
        { question: ' what was your FIRST pet called ', answer: 'Rex' },
        { question: 'What is your favourite colour?', answer: 'first' },
        { question: CHOICES[2]!, answer: 'rex!' },
      ],
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problems).toEqual(expect.arrayContaining(['answer_too_short', 'duplicate_question', 'question_not_offered', 'duplicate_answer']));
    expect(refused.items).toEqual(expect.arrayContaining([
      { index: 0, field: 'answer', problem: 'answer_too_short' },
      { index: 1, field: 'question', problem: 'duplicate_question' },
      { index: 2, field: 'question', problem: 'question_not_offered' },
      { index: 3, field: 'answer', problem: 'duplicate_answer' },
    ]));
    // In the order of the form, so the error summary reads top to bottom.
    expect(refused.items.map((i) => i.index)).toEqual([...refused.items.map((i) => i.index)].sort((a, b) => a - b));
    expect(rows).toHaveLength(0);
    expect(hasher.hashes).toBe(0);

    const few = await registration.setQuestions({ account, client, items: GOOD.slice(0, 2) });
    expect(few).toMatchObject({ ok: false, problems: ['too_few'] });
    const repeats = await registration.setQuestions({ account, client, items: [...GOOD.slice(0, 2), { question: CHOICES[3]!, answer: 'nickname' }] });
    expect(repeats).toMatchObject({ ok: false, items: [{ index: 2, field: 'answer', problem: 'answer_repeats_question' }] });
    const blank = await registration.setQuestions({ account, client, items: [...GOOD.slice(0, 2), { question: '  ', answer: 'Sparky' }] });
    expect(blank).toMatchObject({ ok: false, items: [{ index: 2, field: 'question', problem: 'question_missing' }] });
    const long = await registration.setQuestions({ account, client, items: [...GOOD.slice(0, 2), { question: CHOICES[3]!, answer: 'y'.repeat(201) }] });
    expect(long).toMatchObject({ ok: false, items: [{ index: 2, field: 'answer', problem: 'too_long' }] });
  });

  it('asks for the configured number of questions, and takes custom ones only when allowed', async () => {
    const four = registrationWith({ settings: { count: 4 } }).registration;
    expect(await four.setQuestions({ account, client, items: GOOD })).toMatchObject({ ok: false, problems: ['too_few'] });
    const custom = registrationWith({ settings: { allowCustom: true } });
    const own = await custom.registration.setQuestions({ account, client, items: [...GOOD.slice(0, 2), { question: 'Who was the drummer of my first band?', answer: 'Okonkwo' }] });
    expect(own).toMatchObject({ ok: true, questions: [CHOICES[0], CHOICES[1], 'Who was the drummer of my first band?'] });
    // A choice typed loosely is stored as configured.
    const short = await custom.registration.setQuestions({ account, client, items: [...GOOD.slice(0, 2), { question: 'Hm?', answer: 'Okonkwo' }] });
    expect(short).toMatchObject({ ok: false, items: [{ index: 2, field: 'question', problem: 'question_too_short' }] });
    const loose = await custom.registration.setQuestions({ account, client, items: [{ question: 'what was your first pet called', answer: 'Rex' }, ...GOOD.slice(1)] });
    expect(loose).toMatchObject({ ok: true, questions: CHOICES.slice(0, 3) });
  });

  it('refuses clearly where the policy does not allow security questions (the default), and audits it', async () => {
    const { registration, rows, audit } = registrationWith({ policy: DEFAULT_TENANT_POLICY });
    expect(registration.allowedFor(account)).toBe(false);
    expect((await registration.options(account)).allowed).toBe(false);
    const refusal = await registration.setQuestions({ account, items: GOOD, client }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(UnlatchError);
    expect((refusal as UnlatchError).code).toBe('method_not_allowed');
    expect((refusal as UnlatchError).status).toBe(403);
    expect(rows).toHaveLength(0);
    expect(audit).toMatchObject([{ event: 'method.registration_started', outcome: 'denied', details: { kind: 'questions', reason: 'not_allowed' } }]);
  });
});

describe('QuestionProof', () => {
  it('does one hash verification per answer when there is nothing real to check, and fails', async () => {
    const hasher = new CountingHasher();
    const proof = new QuestionProof(hasher);
    expect(await proof.check(null, ['a', 'b', 'c'])).toBe(false);
    expect(hasher.verifies).toBe(3);
    // Fewer answers than the minimum still cost the minimum; more cost at most ten.
    hasher.verifies = 0;
    expect(await proof.check(null, [])).toBe(false);
    expect(hasher.verifies).toBe(3);
    hasher.verifies = 0;
    expect(await proof.check(null, Array.from({ length: 50 }, () => 'x'))).toBe(false);
    expect(hasher.verifies).toBe(10);

    // A real set with the wrong number of answers costs one verification per stored question.
    const stored = await Promise.all(['a1', 'b2', 'c3', 'd4'].map(async (a, i) => ({ question: `q${i}`, answerHash: await hasher.hash(a) })));
    hasher.verifies = 0;
    expect(await proof.check({ methodId: 'm', questions: stored.map((s) => s.question), stored }, ['a1', 'b2', 'c3'])).toBe(false);
    expect(hasher.verifies).toBe(4);
    hasher.verifies = 0;
    // Every answer is checked, even after a wrong first one.
    expect(await proof.check({ methodId: 'm', questions: stored.map((s) => s.question), stored }, ['wrong', 'b2', 'c3', 'd4'])).toBe(false);
    expect(hasher.verifies).toBe(4);
    expect(await proof.check({ methodId: 'm', questions: stored.map((s) => s.question), stored }, ['a1', 'b2', 'c3', 'd4'])).toBe(true);
  });
});
