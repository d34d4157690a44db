import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HelpdeskAgent } from '../../../../core/helpdesk/helpdesk-entry.js';
import { UnlatchError, isUnlatchError } from '../../../../core/errors.js';
import { clientOf } from '../../../portal/page.js';
import { auditOperator, operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { helpdeskPersonView } from './helpdesk-view.js';

/** A field error as the layout's summary and the field show it. */
export interface FieldError {
  field: string;
  message: string;
}

/** The agent acting: the signed-in operator and where they are. */
export function agentOf(request: FastifyRequest): HelpdeskAgent {
  return { operator: operatorOf(request), client: clientOf(request) };
}

/** `/admin/t/<tenant>/helpdesk/people/<id>`. */
export function personHref(tenantId: string, subjectId: string): string {
  return `/admin/t/${tenantId}/helpdesk/people/${encodeURIComponent(subjectId)}`;
}

/** The `:id` of a person route. */
export function personParam(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/** The fields of a form post: one string per field (arrays were refused by the route's schema). */
export function formOf(request: FastifyRequest): Record<string, string | undefined> {
  return (request.body ?? {}) as Record<string, string | undefined>;
}

/** An `invalid_request` naming a field becomes that field's error; anything else is rethrown. */
export function fieldErrorOf(ctx: AdminContext, request: FastifyRequest, error: unknown): FieldError {
  if (!isUnlatchError(error) || error.code !== 'invalid_request' || typeof error.details.field !== 'string') throw error;
  const t = adminT(ctx, request);
  const { field, reason, min, max } = error.details as { field: string; reason?: string; min?: number; max?: number };
  const key = reason === 'sspr_off' || reason === 'must_change_unsupported' ? `helpdesk.err.${reason}` : `helpdesk.err.${field}`;
  return { field, message: t(key, { min, max }) };
}

/** Renders the person's helpdesk page (with field errors at `status`); 404 for an unknown person. `audit`: record the read. */
export async function renderPerson(
  ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200, values: Record<string, string> = {}, audit = false,
): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const view = await helpdeskPersonView(ctx, agentOf(request), tenantId, personParam(request));
  if (!view) throw new UnlatchError('not_found');
  if (audit) await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: view.account.id, details: { what: 'helpdesk_person' } });
  const t = adminT(ctx, request);
  return renderAdmin(ctx, request, reply, 'helpdesk-person', {
    title: t('helpdesk.person_title', { name: view.account.displayName ?? view.account.username }),
    view,
    errors,
    values,
    action: personHref(tenantId, view.account.id),
    peopleHref: `/admin/t/${tenantId}/people/${encodeURIComponent(view.account.id)}`,
    now: ctx.admin.clock.now(),
  }, status);
}

/** The page after an action: what happened, and a pass or password to read out, shown this once. */
export async function renderResult(
  ctx: AdminContext,
  request: FastifyRequest,
  reply: FastifyReply,
  result: { message: string; secret?: string; secretLabel?: string; expiresAt?: Date },
): Promise<FastifyReply> {
  const t = adminT(ctx, request);
  return renderAdmin(ctx, request, reply, 'helpdesk-result', { title: t('helpdesk.result_title'), ...result, back: personHref(tenantParam(request), personParam(request)) });
}
