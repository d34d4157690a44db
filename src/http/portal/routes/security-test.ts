import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError, UnlatchError } from '../../../core/errors.js';
import type { TestPlan, TestResult } from '../../../core/methods/method-test.js';
import type { WebAuthnResponseJson } from '../../../core/ports/webauthn.js';
import { authenticationResponseSchema } from '../../api/webauthn-schemas.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { jsonEndpoint, jsonError, jsonNext, jsonSchema } from '../passkey-json.js';
import { SIGN_IN_PAGE } from '../session-cookie.js';
import type { Translate } from '../language.js';
import { seeOther } from './flow-step.js';
import { fullSession } from './security-passkey.js';
import { MAX_METHOD_ID } from './security-info.js';

const METHOD_ID_PROPERTY = { type: 'string', minLength: 1, maxLength: MAX_METHOD_ID };

/** What the test page shows besides the method: a code just sent, the outcome, or nothing yet. */
interface TestState {
  step: 'start' | 'code' | 'works';
  errors: FieldError[];
}

/**
 * `/security-info/test?methodId=…`: check that one of your methods still works, without changing anything.
 * An authenticator app: type a current code (`POST /security-info/test`). A phone or an extra address:
 * `POST /security-info/test/send` sends a code, then type it. A passkey: `/assets/passkeys.js` runs the
 * ceremony through `POST /security-info/test/passkey/options` and `POST /security-info/test/passkey` (the
 * page says JavaScript is needed without it). Backup codes and security questions: the page says why there
 * is no test. The outcome is shown on the page (`role="status"`); wrong codes next to the field.
 */
export function registerSecurityTest(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/test', async (request, reply) => {
    const signed = await fullSession(ctx, request);
    if (!signed) return seeOther(reply, SIGN_IN_PAGE);
    const query = request.query as Record<string, unknown> | undefined;
    const plan = await ctx.deps.methodTest.plan(signed.account, typeof query?.methodId === 'string' ? query.methodId : '');
    return showTest(ctx, request, reply, plan, { step: 'start', errors: [] });
  });

  app.post('/security-info/test/send', { schema: formSchema({ methodId: MAX_METHOD_ID }) }, async (request, reply) => {
    const signed = await fullSession(ctx, request);
    if (!signed) return seeOther(reply, SIGN_IN_PAGE);
    const plan = await ctx.deps.methodTest.plan(signed.account, field(request, 'methodId'));
    if (plan.mode !== 'send_code') throw new UnlatchError('invalid_request', { field: 'methodId' });
    try {
      await ctx.deps.methodTest.begin({ account: signed.account, sessionHash: signed.tokenHash, methodId: plan.methodId, client: clientOf(request) });
    } catch (error) {
      const limited = limitedError(ctx, request, reply, error, 'send');
      if (!limited) throw error;
      return showTest(ctx, request, reply, plan, { step: 'start', errors: [limited] }, 429);
    }
    return showTest(ctx, request, reply, plan, { step: 'code', errors: [] });
  });

  app.post('/security-info/test', { schema: formSchema({ methodId: MAX_METHOD_ID, code: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const signed = await fullSession(ctx, request);
    if (!signed) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    const plan = await ctx.deps.methodTest.plan(signed.account, field(request, 'methodId'));
    if (plan.mode !== 'totp' && plan.mode !== 'send_code') throw new UnlatchError('invalid_request', { field: 'methodId' });
    const codeStep = plan.mode === 'send_code' ? 'code' : 'start';
    const code = field(request, 'code');
    if (code.trim() === '') return showTest(ctx, request, reply, plan, { step: codeStep, errors: [{ field: 'code', message: t('security_test.code.required') }] }, 422);
    let result: TestResult;
    try {
      result = await ctx.deps.methodTest.finish({ account: signed.account, sessionHash: signed.tokenHash, methodId: plan.methodId, code, client: clientOf(request) });
    } catch (error) {
      const limited = limitedError(ctx, request, reply, error, 'code');
      if (!limited) throw error;
      return showTest(ctx, request, reply, plan, { step: codeStep, errors: [limited] }, 429);
    }
    if (result.ok) return showTest(ctx, request, reply, plan, { step: 'works', errors: [] });
    return showTest(ctx, request, reply, plan, { step: codeStep, errors: [{ field: 'code', message: wrongMessage(t, plan, result) }] }, 422);
  });

  app.post<{ Body: { methodId: string } }>('/security-info/test/passkey/options', { schema: jsonSchema({ methodId: METHOD_ID_PROPERTY }, ['methodId']) }, async (request, reply) =>
    jsonEndpoint(ctx, request, reply, async () => {
      const signed = await fullSession(ctx, request);
      if (!signed) return jsonNext(reply, SIGN_IN_PAGE);
      const begun = await ctx.deps.methodTest.begin({ account: signed.account, sessionHash: signed.tokenHash, methodId: request.body.methodId, client: clientOf(request) });
      if (begun.next !== 'passkey') throw new UnlatchError('invalid_request', { field: 'methodId' });
      return reply.type('application/json; charset=utf-8').send(begun.options);
    }),
  );

  app.post<{ Body: { methodId: string; credential: WebAuthnResponseJson } }>(
    '/security-info/test/passkey',
    { schema: jsonSchema({ methodId: METHOD_ID_PROPERTY, credential: authenticationResponseSchema }, ['methodId', 'credential']) },
    async (request, reply) =>
      jsonEndpoint(ctx, request, reply, async () => {
        const signed = await fullSession(ctx, request);
        if (!signed) return jsonNext(reply, SIGN_IN_PAGE);
        const t = portalT(ctx, request);
        const plan = await ctx.deps.methodTest.plan(signed.account, request.body.methodId);
        if (plan.mode !== 'passkey') throw new UnlatchError('invalid_request', { field: 'methodId' });
        const result = await ctx.deps.methodTest.finish({
          account: signed.account,
          sessionHash: signed.tokenHash,
          methodId: plan.methodId,
          credential: request.body.credential,
          client: clientOf(request),
        });
        if (result.ok) return reply.code(200).type('application/json; charset=utf-8').send({ status: t('security_test.works.passkey', { name: plan.name }) });
        return jsonError(reply, 422, wrongMessage(t, plan, result));
      }),
  );
}

function showTest(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, plan: TestPlan, state: TestState, status = 200): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const values = { name: plan.name, destination: plan.destination ?? '' };
  return renderPage(ctx, request, reply, 'security-test', {
    title: t('security_test.title'),
    form: true,
    passkeys: plan.mode === 'passkey',
    errors: state.errors,
    methodId: plan.methodId,
    kind: plan.kind,
    mode: plan.mode,
    step: state.step,
    // Not `name`: the field partial would take it for its input's name.
    methodName: plan.name,
    destination: plan.destination,
    works: state.step === 'works' ? t(`security_test.works.${plan.mode}`, values) : null,
    sent: state.step === 'code' && plan.mode === 'send_code' && state.errors.length === 0 ? t('security_test.send.sent', values) : null,
    none: plan.mode === 'none' ? t(plan.kind === 'backup_code' || plan.kind === 'questions' ? `security_test.none.${plan.kind}` : 'security_test.none.other') : null,
  }, status);
}

/** Why a test failed, and how many tries are left in the window. */
function wrongMessage(t: Translate, plan: TestPlan, result: Exclude<TestResult, { ok: true }>): string {
  const values = { name: plan.name, destination: plan.destination ?? '' };
  const key = result.reason === 'replayed' || result.reason === 'no_code' ? result.reason : plan.mode;
  const why = t(`security_test.wrong.${key}`, values);
  if (result.attemptsLeft === undefined) return why;
  return `${why} ${result.attemptsLeft === 0 ? t('security_test.tries_none') : t('security_test.tries', { count: result.attemptsLeft })}`;
}

/** A rate limit as an error next to `fieldId` (with Retry-After); null for any other error. */
function limitedError(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply, error: unknown, fieldId: string): FieldError | null {
  if (!isUnlatchError(error) || error.code !== 'rate_limited') return null;
  const seconds = typeof error.details.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : 60;
  reply.header('retry-after', String(seconds));
  return { field: fieldId, message: portalT(ctx, request)('security_test.limited', { count: Math.max(1, Math.ceil(seconds / 60)) }) };
}
