import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUESTION_CHOICES } from '../../src/config/questions-schema.js';
import type { RawConfig } from '../../src/config/schema.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, STRONG_PASSWORD } from './api-client.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const TWO_PROOFS_WITH_QUESTIONS: RawConfig = { policy: { default: { allowedMethods: ['email_code', 'totp', 'backup_code', 'questions'], requiredMethods: 2 } } };
const Q = DEFAULT_QUESTION_CHOICES;
const ANSWERS = ['Mister Flopsy', 'Kraftwerk in Düsseldorf', 'Valparaíso'];

/** Every select on the page has a label, and its error (if any) is tied to it. */
function expectLabelledSelects(html: string): void {
  const selects = [...html.matchAll(/<select\b([^>]*)>/g)].map((m) => m[1] ?? '');
  expect(selects.length).toBeGreaterThan(0);
  for (const attrs of selects) {
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    expect(html, `label for #${id}`).toContain(`<label for="${id}">`);
    for (const ref of (/\baria-describedby="([^"]*)"/.exec(attrs)?.[1] ?? '').split(' ').filter(Boolean)) expect(html).toContain(`id="${ref}"`);
  }
}

function expectNoAnswer(html: string): void {
  for (const answer of [...ANSWERS, 'Flopsy', 'Kraftwerk', 'Valpara']) expect(html).not.toContain(answer);
}

describe('portal: security questions', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const signIn = async (v: PortalVisitor) => {
    await v.get('/security-info/sign-in');
    const res = await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
    expect(res.statusCode, res.body).toBe(303);
  };
  const good = { 'question-1': Q[0]!, 'answer-1': ANSWERS[0]!, 'question-2': Q[1]!, 'answer-2': ANSWERS[1]!, 'question-3': Q[3]!, 'answer-3': ANSWERS[2]! };

  it('sets the questions from the security info page: labelled controls, errors tied to fields, answers never shown back', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    const v = new PortalVisitor(t);
    await signIn(v);
    const info = await v.get('/security-info');
    expect(visibleText(info.body)).toContain('Security questions');
    expect(info.body).toContain('href="/security-info/questions"');

    const page = await v.get('/security-info/questions');
    expect(page.statusCode).toBe(200);
    expectLabelledControls(page.body);
    expectLabelledSelects(page.body);
    expect(page.body.match(/<select id="question-\d"/g)).toHaveLength(3);
    expect(page.body.match(/<input id="answer-\d"[^>]*autocomplete="off"/g)).toHaveLength(3);
    for (const question of Q) expect(page.body).toContain(`>${question.replace(/'/g, '&#39;')}</option>`);
    expect(page.body).toContain('name="_csrf"');

    // Without the CSRF token nothing is saved.
    expect((await v.post('/security-info/questions', { _csrf: '', ...good })).statusCode).toBe(403);
    await v.get('/security-info/questions');

    // The same question twice, a one-letter answer and a missing choice: each said next to its field.
    const refused = await v.post('/security-info/questions', { ...good, 'question-2': Q[0]!, 'answer-3': 'x', 'question-3': '' });
    expect(refused.statusCode).toBe(422);
    expectLabelledControls(refused.body);
    expectLabelledSelects(refused.body);
    const text = visibleText(refused.body);
    expect(text).toContain('Question 2 is the same as an earlier one.');
    expect(text).toContain('The answer to question 3 is too short.');
    expect(text).toContain('Choose question 3.');
    expect(refused.body).toMatch(/<select id="question-2" name="question-2" aria-describedby="question-2-error" aria-invalid="true">/);
    expect(refused.body).toMatch(/<input id="answer-3"[^>]*aria-describedby="answer-3-hint answer-3-error" aria-invalid="true"/);
    expect(refused.body).toContain('<a href="#question-2">');
    // The questions stay chosen; the answers are asked again, never sent back.
    expect(refused.body).toContain(`<option value="${Q[0]!}" selected>`);
    expect(refused.body).not.toMatch(/<input id="answer-\d"[^>]* value=/);
    expectNoAnswer(refused.body);

    const repeating = await v.post('/security-info/questions', { ...good, 'question-3': Q[6]!, 'answer-3': 'Nickname' });
    expect(repeating.statusCode).toBe(422);
    expect(visibleText(repeating.body)).toContain('The answer to question 3 repeats words of the question.');

    const saved = await v.post('/security-info/questions', good);
    expect(saved.statusCode, saved.body).toBe(303);
    expect(saved.headers.location).toBe('/security-info?done=questions_added');
    const after = await v.follow(saved);
    expect(visibleText(after.body)).toContain('Your security questions have been saved.');
    expect(visibleText(after.body)).toMatch(/Security questions Type Security questions/);
    expectNoAnswer(after.body);

    // Coming back shows the chosen questions, never the answers.
    const again = await v.get('/security-info/questions');
    expect(again.body).toContain('Saving replaces the security questions you have now.');
    expect(again.body).toContain(`<option value="${Q[3]!}" selected>`);
    expectNoAnswer(again.body);
  });

  it('offers neither the section nor the page where the policy does not allow questions (the default)', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    await signIn(v);
    const info = await v.get('/security-info');
    expect(info.body).not.toContain('/security-info/questions');
    expect(visibleText(info.body)).not.toContain('Security questions');
    expect((await v.get('/security-info/questions')).statusCode).toBe(404);
    await v.get('/security-info');
    expect((await v.post('/security-info/questions', good)).statusCode).toBe(404);
  });

  it('asks the questions as the second proof of a reset, after the emailed code; a wrong answer costs an attempt', async () => {
    t = await startTestApp({ overrides: TWO_PROOFS_WITH_QUESTIONS });
    const setup = new PortalVisitor(t);
    await signIn(setup);
    await setup.get('/security-info/questions');
    expect((await setup.post('/security-info/questions', good)).statusCode).toBe(303);

    const v = new PortalVisitor(t);
    await v.get('/reset');
    await v.follow(await v.post('/reset', { identifier: ALICE.username }));
    // Before the first proof nothing mentions the questions.
    expect(v.lastPage).not.toContain(Q[0]!.replace(/'/g, '&#39;'));
    const proven = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect(proven.headers.location).toBe('/reset/second');

    const second = await v.follow(proven);
    expect(second.statusCode).toBe(200);
    expectLabelledControls(second.body);
    expect(visibleText(second.body)).toContain('Answer your security questions');
    for (const [i, question] of [Q[0]!, Q[1]!, Q[3]!].entries()) {
      expect(second.body).toContain(`<label for="answer-${i + 1}">${question.replace(/'/g, '&#39;')}</label>`);
    }
    expect(second.body).toContain('<form method="post" action="/reset/second/questions" novalidate>');
    expect(second.body.match(/<input id="answer-\d"[^>]*autocomplete="off"/g)).toHaveLength(3);

    // A blank answer is a slip: said next to the field, no attempt spent.
    const blank = await v.post('/reset/second/questions', { 'answer-1': ANSWERS[0]!, 'answer-2': '', 'answer-3': ANSWERS[2]! });
    expect(blank.statusCode).toBe(422);
    expect(visibleText(blank.body)).toContain('Answer question 2.');
    expect(blank.body).toMatch(/<input id="answer-2"[^>]*aria-describedby="answer-2-error" aria-invalid="true"/);
    expectNoAnswer(blank.body);

    const wrong = await v.post('/reset/second/questions', { 'answer-1': ANSWERS[0]!, 'answer-2': ANSWERS[1]!, 'answer-3': 'Santiago' });
    expect(wrong.statusCode).toBe(422);
    expectLabelledControls(wrong.body);
    expect(visibleText(wrong.body)).toContain('One or more answers are not right. Check them and try again. You have 4 attempts left.');
    expect(wrong.body).toContain('<a href="#answer-1">');
    expectNoAnswer(wrong.body);
    expect(wrong.body).not.toContain('Santiago');

    const right = await v.post('/reset/second/questions', { 'answer-1': 'mister flopsy', 'answer-2': ANSWERS[1]!, 'answer-3': ANSWERS[2]!.toUpperCase() });
    expect(right.statusCode, right.body).toBe(303);
    expect(right.headers.location).toBe('/reset/password');
    await v.get('/reset/password');
    const done = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.headers.location).toBe('/reset/done');
    const attempts = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', 'in', ['reset.code_verified', 'reset.code_failed']).orderBy('seq').execute();
    expect(attempts.map((a) => `${a.event}:${(JSON.parse(a.details) as { method: string }).method}`)).toEqual(['reset.code_verified:email_code', 'reset.code_failed:questions', 'reset.code_verified:questions']);
  });

  it('ends the reset after too many wrong answers', async () => {
    t = await startTestApp({ overrides: { ...TWO_PROOFS_WITH_QUESTIONS, reset: { maxCodeAttempts: 2 } } });
    const setup = new PortalVisitor(t);
    await signIn(setup);
    await setup.get('/security-info/questions');
    await setup.post('/security-info/questions', good);
    const v = new PortalVisitor(t);
    await v.get('/reset');
    await v.follow(await v.post('/reset', { identifier: ALICE.username }));
    await v.follow(await v.post('/reset/code', { code: await t.codeFor(ALICE.email) }));
    const wrong = { 'answer-1': 'a1', 'answer-2': 'b2', 'answer-3': 'c3' };
    expect(visibleText((await v.post('/reset/second/questions', wrong)).body)).toContain('You have 1 attempt left.');
    const ended = await v.post('/reset/second/questions', wrong);
    expect(ended.statusCode).toBe(410);
    expect(visibleText(ended.body)).toContain('This reset has ended');
  });
});
