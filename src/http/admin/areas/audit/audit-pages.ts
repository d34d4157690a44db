import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditCsv, auditJsonLines } from '../../../../core/admin/audit-export.js';
import { UnlatchError } from '../../../../core/errors.js';
import { auditOperator, operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { rolesOn } from '../../../../core/admin/operator.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { auditFilterOf, auditQuerySchema, searchParamsOf, type AuditSearchQuery } from './audit-search-query.js';
import { registerVerificationStatusPage } from './audit-verification-status.js';
import { verificationView } from './audit-verification-view.js';

const PAGE = 50;

/** `GET …/audit` (search, keyset pages), `…/audit/entries/:id` (one entry), `…/audit/export.csv|.jsonl` (streamed). */
export function registerAuditPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { querystring: auditQuerySchema } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const query = request.query as AuditSearchQuery;
    const filter = auditFilterOf(tenantId, query);
    const result = await ctx.admin.auditQuery.search(filter, { after: query.after || null, limit: PAGE });
    const params = searchParamsOf(query);
    if (filter.subjectId) await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: filter.subjectId, details: { what: 'audit_trail' } });
    const base = `/admin/t/${tenantId}/audit`;
    const with_ = (extra: Record<string, string>) => `?${new URLSearchParams({ ...Object.fromEntries(params), ...extra }).toString()}`;
    const verifications = ctx.admin.auditVerifications;
    return renderAdmin(ctx, request, reply, 'audit-search', {
      title: adminT(ctx, request)('audit.title'),
      verification: verifications ? verificationView(ctx, request, await verifications.state(), tenantId, adminT(ctx, request)) : null,
      query,
      entries: result.entries.map((e) => ({ ...e, href: `${base}/entries/${encodeURIComponent(e.id)}` })),
      nextHref: result.next ? `${base}${with_({ after: result.next })}` : null,
      firstHref: query.after ? `${base}${with_({})}` : null,
      csvHref: `${base}/export.csv${with_({})}`,
      jsonlHref: `${base}/export.jsonl${with_({})}`,
    });
  });

  scope.get('/entries/:id', { schema: { params: { type: 'object', properties: { tenant: { type: 'string' }, id: { type: 'string', maxLength: 64 } } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const entry = await ctx.admin.auditQuery.get(tenantId, (request.params as { id: string }).id);
    if (!entry) throw new UnlatchError('not_found');
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: entry.subjectId, details: { what: 'audit_entry', entryId: entry.id } });
    // Admins may label the entry's reset or change as fraud or legitimate (the Fraud area; its guard decides).
    const labelHref = ctx.deps.fraud && rolesOn(operatorOf(request), tenantId).includes('admin') && (entry.subjectId || entry.flowId)
      ? `/admin/t/${tenantId}/fraud/label?${new URLSearchParams({ entry: entry.id }).toString()}` : null;
    return renderAdmin(ctx, request, reply, 'audit-entry', { title: adminT(ctx, request)('audit.entry_title', { seq: entry.seq }), entry, details: JSON.stringify(entry.details, null, 2), labelHref });
  });

  scope.get('/export.csv', { schema: { querystring: auditQuerySchema } }, async (request, reply) => exportAudit(ctx, request, reply, 'csv'));
  scope.get('/export.jsonl', { schema: { querystring: auditQuerySchema } }, async (request, reply) => exportAudit(ctx, request, reply, 'jsonl'));
  registerVerificationStatusPage(scope, ctx);
}

/**
 * Streams every entry of the search (newest first) as CSV or JSON lines: memory stays flat for millions of
 * entries. The export is audited before the first byte, with the search it covers.
 */
export async function exportAudit(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, format: 'csv' | 'jsonl'): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const query = request.query as AuditSearchQuery;
  const filter = auditFilterOf(tenantId, query);
  await auditOperator(ctx, request, { event: 'admin.exported', outcome: 'success', tenantId, subjectId: filter.subjectId ?? null, details: { what: 'audit', format, search: Object.fromEntries(searchParamsOf(query)) } });
  const records = ctx.admin.auditQuery.stream(filter);
  const lines = format === 'csv' ? auditCsv(records, { bom: true }) : auditJsonLines(records);
  const stamp = new Date().toISOString().slice(0, 10);
  return reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="unlatch-audit-${tenantId}-${stamp}.${format}"`)
    .send(Readable.from(lines));
}
