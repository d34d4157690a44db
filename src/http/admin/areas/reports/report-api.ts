import type { FastifyInstance } from 'fastify';
import { REPORTS } from '../../../../core/admin/reports/index.js';
import { paramsRecord } from '../../../../core/admin/reports/report-params.js';
import { auditOperator, type AdminContext } from '../../admin-context.js';
import { exportReportCsv } from './report-export.js';
import { reportParamsSchema, reportQuerySchema, reportRequestOf, runForView } from './report-query.js';

const secured = { tags: ['admin'], security: [{ bearer: [] }] };
/** Rows a JSON answer carries at most (`limit`, default 1000); the CSV has them all. */
const MAX_JSON_ROWS = 10_000;

/** The reports as JSON for a script or a SIEM: the list, one report's rows and figures, its CSV. */
export function registerReportApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { ...secured, summary: 'The reports: ids, columns and the parameters each takes' } }, async () => ({
    reports: REPORTS.map((r) => ({ id: r.id, columns: r.columns, params: r.params })),
  }));

  scope.get('/:report.csv', { schema: { ...secured, summary: 'One report as CSV (streamed, audited)', params: reportParamsSchema, querystring: reportQuerySchema } }, async (request, reply) =>
    exportReportCsv(ctx, request, reply));

  scope.get('/:report', { schema: { ...secured, summary: 'One report: rows (at most `limit`, default 1000), their total, headline figures (audited)', params: reportParamsSchema, querystring: reportQuerySchema } }, async (request) => {
    const r = reportRequestOf(ctx, request);
    const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit ?? 1000), 1), MAX_JSON_ROWS);
    const view = await runForView(r, ctx.admin.clock.now(), limit);
    const params = paramsRecord(r.params, r.report.params);
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId: r.tenantId, details: { what: 'report', report: r.report.id, params } });
    return {
      report: r.report.id,
      params,
      columns: r.report.columns,
      rows: view.rows.map((row) => Object.fromEntries(r.report.columns.map((c, i) => [c, row[i] ?? null]))),
      total: view.total,
      truncated: view.total > view.rows.length,
      figures: view.summary.figures,
      chart: view.summary.chart ?? null,
    };
  });
}
