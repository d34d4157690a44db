import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import type { FlowView } from '../../../core/reset/reset-flow.js';
import { MAX_QUESTIONS } from '../../../core/methods/questions/security-questions.js';
import { readFlowCookie } from '../flow-cookie.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, expiryOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { atStep, seeOther, STEP_PAGE, type FlowAt } from './flow-step.js';
import { afterProof } from './reset-code.js';

/** The answer fields: `answer-1` … `answer-10`, one per question offered. */
const ANSWER_FIELDS: Record<string, number> = Object.fromEntries(Array.from({ length: MAX_QUESTIONS }, (_, i) => [`answer-${i + 1}`, MAX_SHORT_FIELD]));

/**
 * The person's security questions for the second proof, from core (not from the cookie: they can be long),
 * or null when they are not offered. Core offers them only after a first proof, to a person whose policy
 * allows them and who registered them, so nothing here is shown to someone who only typed a username.
 */
export async function offeredQuestions(ctx: PortalContext, flowId: string | null): Promise<string[] | null> {
  return flowId ? questionsIn(await ctx.deps.resetFlow.view(flowId)) : null;
}

function questionsIn(view: FlowView): string[] | null {
  if (view.next !== 'verify_second') return null;
  const choice = view.methods.find((m) => m.method === 'questions');
  return choice?.questions && choice.questions.length > 0 ? choice.questions : null;
}

/**
 * `/reset/second/questions`: answers to the person's security questions as the second proof. The form is
 * shown on `/reset/second` too; this address takes its POST and shows it again after a refused answer.
 * An empty answer is a slip and costs no attempt; wrong answers count like a wrong code and the page does
 * not say which was wrong. Answers are never shown back.
 */
export function registerResetQuestions(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/second/questions', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/reset');
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'verify_second') return seeOther(reply, STEP_PAGE[view.next]);
    const questions = questionsIn(view);
    if (!questions) return seeOther(reply, STEP_PAGE.verify_second);
    return show(ctx, request, reply, questions, view, []);
  });

  app.post('/reset/second/questions', { schema: formSchema(ANSWER_FIELDS) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'verify_second') return seeOther(reply, STEP_PAGE[view.next]);
    const questions = questionsIn(view);
    if (!questions) return seeOther(reply, STEP_PAGE.verify_second);
    const answers = questions.map((_, i) => field(request, `answer-${i + 1}`));
    const missing: FieldError[] = answers.flatMap((answer, i) => (answer.trim() === '' ? [{ field: `answer-${i + 1}`, message: t('reset_questions.answer.required', { n: i + 1 }) }] : []));
    if (missing.length > 0) return show(ctx, request, reply, questions, view, missing, 422);

    return atStep(ctx, flowId, reply, async () => {
      const result = await ctx.deps.resetFlow.verifyCode({ flowId, method: 'questions', answers, client: clientOf(request) });
      if (result.ok) return afterProof(ctx, reply, flowId, result);
      if (result.code === 'code_attempts_exceeded') throw new UnlatchError('code_attempts_exceeded');
      const after = await ctx.deps.resetFlow.view(flowId);
      return show(ctx, request, reply, questions, after, [{ field: 'answer-1', message: t('reset_questions.wrong', { count: result.attemptsLeft }) }], 422);
    });
  });
}

function show(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, questions: string[], at: FlowAt, errors: FieldError[], status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'reset-questions', {
    title: t('reset_questions.title'),
    form: true,
    errors,
    questions,
    expiry: expiryOf(ctx, at.expiresAt, languageOf(ctx, request), at.tenantId),
  }, status);
}
