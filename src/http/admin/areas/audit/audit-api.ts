import type { FastifyInstance } from 'fastify';
import { jsonOf } from '../../../../core/admin/audit-export.js';
import { UnlatchError } from '../../../../core/errors.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { exportAudit } from './audit-pages.js';
import { auditFilterOf, auditQuerySchema, type AuditSearchQuery } from './audit-search-query.js';
import { registerVerificationStatusApi } from './audit-verification-status.js';

const secured = { tags: ['admin'], security: [{ bearer: [] }] };

/** The audit search, one entry, and the streamed exports, as JSON for a SIEM or a script. */
export function registerAuditApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { ...secured, summary: 'Search audit entries (newest first; keyset pages: pass `next` as `after`)', querystring: auditQuerySchema } }, async (request) => {
    const tenantId = tenantParam(request);
    const query = request.query as AuditSearchQuery;
    const filter = auditFilterOf(tenantId, query);
    const limit = Math.min(Math.max(Number(query.limit ?? 100), 1), 1000);
    const result = await ctx.admin.auditQuery.search(filter, { after: query.after || null, limit });
    if (filter.subjectId) await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: filter.subjectId, details: { what: 'audit_trail' } });
    return { entries: result.entries.map(jsonOf), next: result.next };
  });
  scope.get('/entries/:id', { schema: { ...secured, summary: 'One audit entry' } }, async (request) => {
    const tenantId = tenantParam(request);
    const entry = await ctx.admin.auditQuery.get(tenantId, (request.params as { id: string }).id);
    if (!entry) throw new UnlatchError('not_found');
    return jsonOf(entry);
  });
  scope.get('/export.csv', { schema: { ...secured, summary: 'Export the search as CSV (streamed, audited)', querystring: auditQuerySchema } }, async (request, reply) => exportAudit(ctx, request, reply, 'csv'));
  scope.get('/export.jsonl', { schema: { ...secured, summary: 'Export the search as JSON lines (streamed, audited)', querystring: auditQuerySchema } }, async (request, reply) => exportAudit(ctx, request, reply, 'jsonl'));
  registerVerificationStatusApi(scope, ctx);
}
