import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestedResult } from '../../../../core/helpdesk/helpdesk-actions.js';
import { tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { searchPeople } from '../people/person-view.js';
import { agentOf, fieldErrorOf, formOf, personHref, personParam, renderPerson, renderResult } from './helpdesk-render.js';
import { helpdeskOf } from './helpdesk-view.js';

const str = (max: number) => ({ type: 'string', maxLength: max });
const params = { type: 'object', properties: { tenant: str(64), id: { type: 'string', minLength: 1, maxLength: 1024 } } };
const form = (fields: Record<string, number>) => ({ params, body: { type: 'object', properties: Object.fromEntries(Object.entries(fields).map(([k, max]) => [k, str(max)])) } });
const SEARCH_LIMIT = 50;

/** A request for a second operator: back to the person's page, which lists it. */
async function requested(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, result: RequestedResult): Promise<FastifyReply> {
  const t = adminT(ctx, request);
  return renderResult(ctx, request, reply, { message: t(result.created ? 'helpdesk.requested' : 'helpdesk.already_requested', { action: t(`helpdesk.action.${result.request.action}`) }) });
}

/**
 * The helpdesk pages: find a person, their helpdesk page, a check of the caller (start, answer), and the
 * actions after a passed check. Every handler calls one core step; the role rule is the area's guard.
 */
export function registerHelpdeskPages(scope: FastifyInstance, ctx: AdminContext): void {
  // A directory or store outage mid-action is thrown: the console's error handler answers 503 with Retry-After.
  scope.get('/', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { q: str(256) } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const q = (request.query as { q?: string }).q ?? '';
    const people = await searchPeople(ctx, tenantId, q, SEARCH_LIMIT);
    return renderAdmin(ctx, request, reply, 'helpdesk-home', {
      title: adminT(ctx, request)('helpdesk.title'), q, searched: q.trim() !== '',
      people: people.map((p) => ({ ...p, href: personHref(tenantId, p.id) })),
    });
  });

  // A sensitive read, like the person's page: audited (before it is sent) once the person is found.
  scope.get('/people/:id', { schema: { params } }, async (request, reply) => renderPerson(ctx, request, reply, [], 200, {}, true));

  scope.post('/people/:id/check', { schema: form({ ticket: 256, method: 128 }) }, async (request, reply) => {
    const helpdesk = helpdeskOf(ctx);
    const body = formOf(request);
    const account = await ctx.admin.directory.findById(tenantParam(request), personParam(request), { fresh: true });
    if (!account) return renderPerson(ctx, request, reply);
    try {
      await helpdesk.checks.start(agentOf(request), account, { ticket: body.ticket, methodId: body.method });
    } catch (error) {
      return renderPerson(ctx, request, reply, [fieldErrorOf(ctx, request, error)], 400, { ticket: body.ticket ?? '' });
    }
    return reply.redirect(`${personHref(account.tenantId, account.id)}#check`, 303);
  });

  scope.post('/people/:id/answer', { schema: form({ checkId: 64, code: 64 }) }, async (request, reply) => {
    const helpdesk = helpdeskOf(ctx);
    const body = formOf(request);
    const account = await ctx.admin.directory.findById(tenantParam(request), personParam(request), { fresh: true });
    if (!account) return renderPerson(ctx, request, reply);
    let answer;
    try {
      answer = await helpdesk.checks.answer(agentOf(request), account, { checkId: body.checkId ?? '', code: body.code });
    } catch (error) {
      return renderPerson(ctx, request, reply, [fieldErrorOf(ctx, request, error)], 400);
    }
    if (answer.ok) return reply.redirect(`${personHref(account.tenantId, account.id)}#actions`, 303);
    const t = adminT(ctx, request);
    const field = answer.failed ? 'method' : 'code';
    return renderPerson(ctx, request, reply, [{ field, message: t(answer.failed ? 'helpdesk.err.check_failed' : `helpdesk.err.answer_${answer.reason}`) }], 422);
  });

  scope.post('/people/:id/unlock', { schema: form({}) }, async (request, reply) => {
    const result = await helpdeskOf(ctx).actions.unlock(agentOf(request), tenantParam(request), personParam(request));
    if (result.kind === 'requested') return requested(ctx, request, reply, result);
    return renderResult(ctx, request, reply, { message: adminT(ctx, request)(result.wasLocked ? 'helpdesk.unlocked' : 'helpdesk.unlocked_not_locked') });
  });

  scope.post('/people/:id/access-pass', { schema: form({ minutes: 8, uses: 4 }) }, async (request, reply) => {
    const body = formOf(request);
    let result;
    try {
      result = await helpdeskOf(ctx).actions.issuePass(agentOf(request), tenantParam(request), personParam(request), { minutes: body.minutes, uses: body.uses });
    } catch (error) {
      return renderPerson(ctx, request, reply, [fieldErrorOf(ctx, request, error)], 400);
    }
    if (result.kind === 'requested') return requested(ctx, request, reply, result);
    const t = adminT(ctx, request);
    return renderResult(ctx, request, reply, { message: t('helpdesk.pass_issued', { count: result.uses }), secret: result.pass, secretLabel: t('helpdesk.pass_label'), expiresAt: result.expiresAt });
  });

  scope.post('/people/:id/access-pass/revoke', { schema: form({ passId: 64, ticket: 256 }) }, async (request, reply) => {
    const body = formOf(request);
    try {
      await helpdeskOf(ctx).actions.revokePass(agentOf(request), tenantParam(request), personParam(request), { passId: body.passId ?? '', ticket: body.ticket });
    } catch (error) {
      return renderPerson(ctx, request, reply, [fieldErrorOf(ctx, request, error)], 400);
    }
    return reply.redirect(`${personHref(tenantParam(request), personParam(request))}#passes`, 303);
  });

  scope.post('/people/:id/password', { schema: form({ password: 1024 }) }, async (request, reply) => {
    let result;
    try {
      result = await helpdeskOf(ctx).oneTimePasswords.set(agentOf(request), tenantParam(request), personParam(request), { password: formOf(request).password });
    } catch (error) {
      return renderPerson(ctx, request, reply, [fieldErrorOf(ctx, request, error)], 400);
    }
    const t = adminT(ctx, request);
    if (result.kind === 'requested') return requested(ctx, request, reply, result);
    if (result.kind === 'password_rejected') {
      return renderPerson(ctx, request, reply, [{ field: 'password', message: t('helpdesk.err.password_rejected', { reasons: result.reasons.map((r) => r.code).join(', ') }) }], 422);
    }
    const verified = result.signInVerified === false ? ` ${t('helpdesk.sign_in_unverified')}` : '';
    return renderResult(ctx, request, reply, { message: t('helpdesk.password_set') + verified, secret: result.generated ? result.password : undefined, secretLabel: t('helpdesk.password_label') });
  });

  scope.post('/people/:id/remove-method', { schema: form({ methodId: 64 }) }, async (request, reply) => {
    const result = await helpdeskOf(ctx).actions.removeMethod(agentOf(request), tenantParam(request), personParam(request), formOf(request).methodId ?? '');
    if (result.kind === 'requested') return requested(ctx, request, reply, result);
    return renderResult(ctx, request, reply, { message: adminT(ctx, request)('helpdesk.method_removed', { name: result.methodName }) });
  });
}
