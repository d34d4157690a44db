import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import type { ProofChoice, ResetProofMethod } from '../../../core/reset/reset-flow.js';
import { FIRST_PROOF_KINDS, descriptorOf } from '../../../core/methods/method-kinds.js';
import { PROOF_STRATEGIES } from '../../../core/methods/registry.js';
import { proofLabelText } from '../../proof-labels.js';
import { readFlowChoices, readFlowCookie } from '../flow-cookie.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, expiryOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { checkProofCode, isNumericCode, wrongCodeMessage, type CodeMethod } from '../proof-code.js';
import { atStep, seeOther, STEP_PAGE, type FlowAt } from './flow-step.js';
import { afterProof } from './reset-code.js';
import { offeredQuestions } from './reset-questions.js';
import { MAX_METHOD_ID } from './security-info.js';

/**
 * One choice of the page: the method and its text (a masked label from core, or the kind's name); a phone
 * (`sms_code`) also has its method id and masked number, for its "Text a code to …" button.
 */
interface ChoiceView {
  method: ResetProofMethod;
  text: string;
  methodId?: string;
  label?: string;
}

/** A phone that can be texted a code: one per registered number. */
interface PhoneView {
  methodId: string;
  button: string;
  label: string;
}

/**
 * `/reset/second`: when the policy needs two proofs, the second, of another kind. The choices are the
 * person's own methods, masked, as core returned them after the first proof (kept in the flow cookie);
 * they are shown only now, to someone who has already proven one method. With no choice left the page
 * says so and offers no form.
 */
export function registerResetSecond(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/second', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/reset');
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'verify_second') return seeOther(reply, STEP_PAGE[view.next]);
    const choices = choicesOf(ctx, request);
    // After "Text a code to …" (POST /reset/second/sms): say where it went and preselect the texted code.
    const sentTo = queryString(request, 'sent');
    const phone = sentTo === null ? undefined : phonesOf(ctx, request, choices).find((p) => p.methodId === sentTo);
    const selected = phone ? 'sms_code' : codeChoices(ctx, request, choices)[0]?.method ?? null;
    return show(ctx, request, reply, choices, selected, view, [], 200, phone?.label ?? null);
  });

  // "Text a code to •••• 1234": core checks that the id is one of this person's confirmed phones and applies
  // the SMS limits (a held-back send answers the same); then the page says where the code went.
  app.post('/reset/second/sms', { schema: formSchema({ methodId: MAX_METHOD_ID }) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const methodId = field(request, 'methodId');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(methodId)) throw new UnlatchError('not_found');
    return atStep(ctx, flowId, reply, async () => {
      await ctx.deps.resetFlow.sendSmsCode({ flowId, methodId, client: clientOf(request) });
      return seeOther(reply, `/reset/second?sent=${encodeURIComponent(methodId)}`);
    });
  });

  app.post('/reset/second', { schema: formSchema({ method: MAX_SHORT_FIELD, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    const choices = choicesOf(ctx, request);
    const codes = codeChoices(ctx, request, choices);
    const chosen = field(request, 'method');
    const method = codes.find((c) => c.method === chosen)?.method ?? null;
    const errors: FieldError[] = [];
    let code = '';
    if (codes.length > 0 && !method) errors.push({ field: `method-${codes[0]!.method}`, message: t('reset_second.method.required') });
    if (method) {
      const checked = checkProofCode(t, method, field(request, 'code'), ctx.deps.config.reset.codeDigits);
      code = checked.code;
      if (checked.error) errors.push({ field: 'code', message: checked.error });
    }
    // Nothing to choose from, or a typo: no attempt is spent.
    if (!method || errors.length > 0) {
      const view = await ctx.deps.resetFlow.view(flowId);
      if (view.next !== 'verify_second') return seeOther(reply, STEP_PAGE[view.next]);
      return show(ctx, request, reply, choices, method ?? codes[0]?.method ?? null, view, errors, codes.length > 0 ? 422 : 200);
    }

    return atStep(ctx, flowId, reply, async () => {
      const result = await ctx.deps.resetFlow.verifyCode({ flowId, code, method, client: clientOf(request) });
      if (result.ok) return afterProof(ctx, reply, flowId, result);
      if (result.code === 'code_attempts_exceeded') throw new UnlatchError('code_attempts_exceeded');
      const view = await ctx.deps.resetFlow.view(flowId);
      return show(ctx, request, reply, choices, method, view, [{ field: 'code', message: wrongCodeMessage(t, method, result.attemptsLeft, result.spentStep === true) }], 422);
    });
  });
}

/**
 * The choices to offer. Without stored ones (the flow reached this step in another way than this
 * browser's first proof) every kind the portal knows is offered by name only; core refuses any the
 * person cannot use, like a wrong code.
 */
function choicesOf(ctx: PortalContext, request: FastifyRequest): ChoiceView[] {
  const t = portalT(ctx, request);
  const stored: ProofChoice[] | null = readFlowChoices(request);
  const methods: ResetProofMethod[] = FIRST_PROOF_KINDS.filter((kind) => PROOF_STRATEGIES[kind].choices !== undefined);
  if (stored === null) return methods.map((method) => ({ method, text: t(`reset_second.generic.${method}`) }));
  const lang = languageOf(ctx, request);
  return stored.map((c) => {
    // Core's label is data (names, masked destinations, a count): worded now, in this page's language.
    const worded = c.label.of === 'kind' ? '' : proofLabelText(t, lang, c.method, c.label);
    return {
      method: c.method,
      text: worded === '' ? t(`reset_second.generic.${c.method}`) : t(`reset_second.choice.${c.method}`, { label: worded }),
      ...(c.methodId !== undefined ? { methodId: c.methodId, label: worded } : {}),
    };
  });
}

/**
 * The radio buttons of the code form: the choices proven with a typed code, and one "A code texted to your
 * phone" however many phones there are (the code says which). A passkey (`webauthn`) has its own button,
 * run by /assets/passkeys.js.
 */
function codeChoices(ctx: PortalContext, request: FastifyRequest, choices: ChoiceView[]): Array<ChoiceView & { method: CodeMethod }> {
  const typed = choices.filter((c): c is ChoiceView & { method: CodeMethod } => descriptorOf(c.method).input === 'code' && c.method !== 'sms_code');
  if (!choices.some((c) => c.method === 'sms_code' && c.methodId !== undefined)) return typed;
  return [...typed, { method: 'sms_code', text: portalT(ctx, request)('reset_second.sms.code_choice') }];
}

/** The phones a code can be texted to, each with its own button. */
function phonesOf(ctx: PortalContext, request: FastifyRequest, choices: ChoiceView[]): PhoneView[] {
  const t = portalT(ctx, request);
  return choices.flatMap((c) => {
    if (c.method !== 'sms_code' || c.methodId === undefined) return [];
    const label = c.label ?? '';
    return [{ methodId: c.methodId, label: label === '' ? t('reset_second.generic.sms_code') : label, button: label === '' ? t('reset_second.generic.sms_code') : t('reset_second.sms.button', { label }) }];
  });
}

/** A query parameter given once as a string, or null. */
function queryString(request: FastifyRequest, name: string): string | null {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : null;
}

async function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  choices: ChoiceView[],
  selected: CodeMethod | null,
  at: FlowAt,
  errors: FieldError[],
  status = 200,
  sentTo: string | null = null,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const digits = ctx.deps.config.reset.codeDigits;
  const none = choices.length === 0;
  const codes = codeChoices(ctx, request, choices);
  const phones = phonesOf(ctx, request, choices);
  const passkey = choices.find((c) => c.method === 'webauthn') ?? null;
  // Security questions: their texts come from core now (they can be long for the cookie); answered on this page.
  const questions = choices.some((c) => c.method === 'questions') ? await offeredQuestions(ctx, readFlowCookie(request)) : null;
  return renderPage(ctx, request, reply, 'reset-second', {
    title: t(none ? 'reset_second.none.title' : 'reset_second.title'),
    form: !none,
    passkeys: passkey !== null,
    errors,
    choices: codes,
    passkey,
    phones,
    questions,
    sentTo,
    selected,
    // One hint line per kind on offer; a backup code needs letters, so the keyboard is numeric only without one.
    hints: codes.map((c) => t(`reset_second.code.hint.${c.method}`, { digits })),
    numeric: codes.every((c) => isNumericCode(c.method)),
    expiry: expiryOf(ctx, at.expiresAt, languageOf(ctx, request), at.tenantId),
  }, status);
}
