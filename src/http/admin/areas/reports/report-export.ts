import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { paramsRecord } from '../../../../core/admin/reports/report-params.js';
import { primed, reportCsv } from '../../../../core/admin/reports/report-csv.js';
import { auditOperator, type AdminContext } from '../../admin-context.js';
import { reportRequestOf } from './report-query.js';

/**
 * Streams a report as CSV, row by row as the directory or the database gives them (memory stays flat). The
 * export is audited (`admin.exported`) before the first byte; the first row is read before the answer starts,
 * so a directory that is down gives a clean 503, not a cut download.
 */
export async function exportReportCsv(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const r = reportRequestOf(ctx, request);
  const run = r.report.run(r.sources, { tenantId: r.tenantId, params: r.params, now: ctx.admin.clock.now() });
  const rows = await primed(run.rows);
  await auditOperator(ctx, request, { event: 'admin.exported', outcome: 'success', tenantId: r.tenantId, details: { what: 'report', report: r.report.id, format: 'csv', params: paramsRecord(r.params, r.report.params) } });
  const stamp = ctx.admin.clock.now().toISOString().slice(0, 10);
  return reply
    .type('text/csv; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="unlatch-${r.report.id}-${r.tenantId}-${stamp}.csv"`)
    .send(Readable.from(reportCsv(r.report.columns, rows, { bom: true })));
}
