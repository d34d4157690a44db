import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import type { QuestionItemProblem, QuestionOptions, QuestionProblem } from '../../../core/methods/questions/question-registration.js';
import { MAX_QUESTIONS } from '../../../core/methods/questions/security-questions.js';
import type { DirectoryAccount } from '../../../core/ports/directory.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import type { Translate } from '../language.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/** The form's fields: per question `question-N` (a choice), `custom-N` (own question, when allowed) and `answer-N`. */
const FIELDS: Record<string, number> = Object.fromEntries(
  Array.from({ length: MAX_QUESTIONS }, (_, i) => i + 1).flatMap((n) => [[`question-${n}`, MAX_SHORT_FIELD], [`custom-${n}`, MAX_SHORT_FIELD], [`answer-${n}`, MAX_SHORT_FIELD]]),
);

/** One row of the form as shown: the question chosen or written so far (never the answer: it is asked again). */
interface RowView {
  n: number;
  question: string;
  custom: string;
}

/**
 * `/security-info/questions`: choose (or, when allowed, write) the configured number of security
 * questions and answer each; saving replaces an earlier set. Only for people whose policy allows
 * security questions (otherwise 404). Answers are never shown back, not even after a refused submit:
 * the questions stay chosen and the answers are asked again.
 */
export function registerSecurityQuestions(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/questions', async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const options = await optionsFor(ctx, account);
    // The current questions are preselected (they are not secret to their owner); the answers are never shown.
    const rows = Array.from({ length: options.count }, (_, i) => {
      const question = options.registered?.questions[i] ?? '';
      const offered = options.choices.includes(question);
      return { n: i + 1, question: offered ? question : '', custom: !offered && options.allowCustom ? question : '' };
    });
    return show(ctx, request, reply, options, rows, []);
  });

  app.post('/security-info/questions', { schema: formSchema(FIELDS) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const options = await optionsFor(ctx, account);
    const t = portalT(ctx, request);
    const rows: RowView[] = Array.from({ length: options.count }, (_, i) => ({
      n: i + 1,
      question: field(request, `question-${i + 1}`),
      custom: options.allowCustom ? field(request, `custom-${i + 1}`) : '',
    }));
    const items = rows.map((row) => ({ question: row.custom.trim() !== '' ? row.custom : row.question, answer: field(request, `answer-${row.n}`) }));
    const result = await ctx.deps.questionRegistration.setQuestions({ account, items, client: clientOf(request) });
    if (result.ok) return seeOther(reply, '/security-info?done=questions_added');
    const errors = errorsOf(t, result.items, rows, options.allowCustom);
    if (errors.length === 0) errors.push({ field: 'question-1', message: t('security_questions.problem.too_few', { n: options.count }) });
    return show(ctx, request, reply, options, rows, errors, 422);
  });
}

async function optionsFor(ctx: PortalContext, account: DirectoryAccount): Promise<QuestionOptions> {
  const options = await ctx.deps.questionRegistration.options(account);
  // Not offered where the policy does not allow them: the page does not exist for this person.
  if (!options.allowed) throw new UnlatchError('not_found');
  return options;
}

/**
 * One message per field (the first problem of each), linked to the control it is about: a question's
 * problem belongs to the written question when there is one, else to the choice.
 */
function errorsOf(t: Translate, problems: readonly QuestionItemProblem[], rows: readonly RowView[], allowCustom: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const { index, field: which, problem } of problems) {
    const written = which === 'question' && (rows[index]?.custom.trim() ?? '') !== '';
    const id = `${written ? 'custom' : which}-${index + 1}`;
    if (errors.some((e) => e.field === id)) continue;
    errors.push({ field: id, message: t(`security_questions.problem.${messageKey(problem, allowCustom)}`, { n: index + 1 }) });
  }
  return errors;
}

function messageKey(problem: QuestionProblem, allowCustom: boolean): string {
  if (problem === 'question_missing') return allowCustom ? 'question_missing_custom' : 'question_missing';
  return problem;
}

function show(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, options: QuestionOptions, rows: RowView[], errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-questions', {
    title: t('security_questions.title'),
    form: true,
    errors,
    rows,
    choices: options.choices,
    allowCustom: options.allowCustom,
    count: options.count,
    replacing: options.registered !== null,
  }, status);
}
