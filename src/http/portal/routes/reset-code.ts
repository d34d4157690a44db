import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import type { ProofMethod, VerifyCodeResult } from '../../../core/reset/reset-flow.js';
import { readFlowCookie, setFlowCookie } from '../flow-cookie.js';
import { field, formSchema, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, expiryOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { checkProofCode, codeLength, isNumericCode, METHOD_TEXTS, PROOF_METHODS, proofMethodOf, wrongCodeMessage } from '../proof-code.js';
import { atStep, seeOther, STEP_PAGE, type FlowAt } from './flow-step.js';

/**
 * `/reset/code`: the first proof. The emailed code is the main path; `?method=<kind>` (`totp`, `backup_code`,
 * any first-proof method typed as a code) shows the same form for a code of that method.
 * Every identifier sees the same pages and links: nothing says which methods an account has, and a
 * method the person lacks fails exactly like a wrong code (core sees to that). A wrong code says how
 * many attempts are left; the last one ends the flow.
 */
export function registerResetCode(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/code', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return showElsewhere(ctx, request, reply);
    const view = await ctx.deps.resetFlow.view(flowId);
    if (view.next !== 'verify_code') return seeOther(reply, STEP_PAGE[view.next]);
    return show(ctx, request, reply, methodInQuery(request), view, []);
  });

  app.post('/reset/code', { schema: formSchema({ code: MAX_SHORT_FIELD, method: MAX_SHORT_FIELD }) }, async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) throw new UnlatchError('flow_invalid');
    const t = portalT(ctx, request);
    const named = field(request, 'method');
    const method = named === '' ? 'email_code' : proofMethodOf(named);
    if (!method) throw new UnlatchError('invalid_request', { field: 'method' });
    // People paste "123 456" or "ABCDEF-GHJKMN"; a malformed entry is the person's typo, not a guess: it costs no attempt.
    const { code, error } = checkProofCode(t, method, field(request, 'code'), ctx.deps.config.reset.codeDigits);
    if (error) {
      const view = await ctx.deps.resetFlow.view(flowId);
      if (view.next !== 'verify_code') return seeOther(reply, STEP_PAGE[view.next]);
      return show(ctx, request, reply, method, view, [{ field: 'code', message: error }], 422);
    }

    return atStep(ctx, flowId, reply, async () => {
      const result = await ctx.deps.resetFlow.verifyCode({ flowId, code, method, client: clientOf(request) });
      if (result.ok) return afterProof(ctx, reply, flowId, result);
      if (result.code === 'code_attempts_exceeded') throw new UnlatchError('code_attempts_exceeded');
      const view = await ctx.deps.resetFlow.view(flowId);
      return show(ctx, request, reply, method, view, [{ field: 'code', message: wrongCodeMessage(t, method, result.attemptsLeft, result.spentStep === true) }], 422);
    });
  });
}

/** Where a good proof leads: the new password, or a second proof with the choices core offered kept for that page. */
export function afterProof(ctx: PortalContext, reply: FastifyReply, flowId: string, result: VerifyCodeResult & { ok: true }): FastifyReply {
  if (result.next === 'verify_second') {
    setFlowCookie(ctx, reply, flowId, result.methods);
    return seeOther(reply, STEP_PAGE.verify_second);
  }
  return seeOther(reply, STEP_PAGE[result.next]);
}

/** `?method=` names one of the other methods; anything else (absent, repeated, unknown) is the emailed code. */
function methodInQuery(request: FastifyRequest): ProofMethod {
  const value = (request.query as Record<string, unknown> | undefined)?.method;
  return (typeof value === 'string' ? proofMethodOf(value) : null) ?? 'email_code';
}

function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  method: ProofMethod,
  at: FlowAt,
  errors: FieldError[],
  status = 200,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const digits = codeLength(method, ctx.deps.config.reset.codeDigits);
  const allowed = at.methods.map((m) => m.method);
  return renderPage(ctx, request, reply, 'reset-code', {
    title: t(method === 'email_code' ? 'reset_code.title' : `${METHOD_TEXTS[method]}.title`),
    form: true,
    // Offered to everyone the tenant lets use one (the page must not tell whether the account has a passkey),
    // as a secondary way below the code: /assets/passkeys.js runs it.
    passkeys: allowed.includes('webauthn'),
    unlock: at.purpose === 'unlock',
    errors,
    digits,
    method,
    numeric: isNumericCode(method),
    // Digits get the narrow field, a backup code its own; anything longer (an access pass) the full width.
    width: isNumericCode(method) ? 'code' : digits <= 12 ? 'backup-code' : undefined,
    texts: METHOD_TEXTS[method],
    // The tenant's methods only, the same list for every account: never one the organisation has switched off.
    otherMethods: PROOF_METHODS.filter((m) => m !== method && (m === 'email_code' || allowed.includes(m))),
    expiry: expiryOf(ctx, at.expiresAt, languageOf(ctx, request), at.tenantId),
  }, status);
}

/**
 * `/reset/code` without the flow cookie: most often the emailed "if you closed that page" link, opened from a webmail on
 * another site. The cookie is `SameSite=Strict`, so a cross-site navigation does not carry it even in the browser that
 * holds it. Rather than weaken that binding, this page links to `/reset/code?resume=1`: following a link on our own page
 * is a same-site navigation, which does carry a Strict cookie, so in the browser where the reset began the code page
 * opens. Where the link still arrives without a cookie (another browser or device), the page says so: enter the code
 * where you started, or start again here. Nothing about any flow or account is read or shown, and the flow can still only
 * be continued by the browser holding its signed cookie.
 */
function showElsewhere(ctx: PortalContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const resumed = (request.query as Record<string, unknown> | undefined)?.resume === '1';
  return renderPage(ctx, request, reply, 'reset-code-elsewhere', {
    title: t(resumed ? 'reset_code_elsewhere.title_other_device' : 'reset_code_elsewhere.title'),
    resumed,
  });
}
