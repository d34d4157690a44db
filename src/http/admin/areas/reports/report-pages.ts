import type { FastifyInstance } from 'fastify';
import { OVERVIEW_PERIODS } from '../../../../core/admin/overview-period.js';
import { REPORTS } from '../../../../core/admin/reports/index.js';
import { paramsRecord } from '../../../../core/admin/reports/report-params.js';
import type { ReportSummary } from '../../../../core/admin/reports/report.js';
import type { Translate } from '../../../portal/language.js';
import { buildChart, type ChartData } from '../../charts/chart-data.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { exportReportCsv } from './report-export.js';
import { reportParamsSchema, reportQuerySchema, reportRequestOf, runForView } from './report-query.js';

/** Rows a report page shows at most; the CSV has them all. */
export const PAGE_ROWS = 200;

/** `GET …/reports` (the list), `…/reports/:report` (one, as a table and a chart), `…/reports/:report.csv` (streamed). */
export function registerReportPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => {
    const t = adminT(ctx, request);
    const base = `/admin/t/${tenantParam(request)}/reports`;
    return renderAdmin(ctx, request, reply, 'reports-list', {
      title: t('reports.title'),
      reports: REPORTS.map((r) => ({ id: r.id, href: `${base}/${r.id}`, csvHref: `${base}/${r.id}.csv`, name: t(`reports.name.${r.id}`), about: t(`reports.about.${r.id}`) })),
    });
  });

  scope.get('/:report.csv', { schema: { params: reportParamsSchema, querystring: reportQuerySchema } }, async (request, reply) => exportReportCsv(ctx, request, reply));

  scope.get('/:report', { schema: { params: reportParamsSchema, querystring: reportQuerySchema } }, async (request, reply) => {
    const r = reportRequestOf(ctx, request);
    const t = adminT(ctx, request);
    const view = await runForView(r, ctx.admin.clock.now(), PAGE_ROWS);
    const described = paramsRecord(r.params, r.report.params);
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId: r.tenantId, details: { what: 'report', report: r.report.id, params: described } });
    const query = new URLSearchParams(described).toString();
    const chart = chartOf(view.summary, t);
    return renderAdmin(ctx, request, reply, 'reports-report', {
      title: t(`reports.name.${r.report.id}`),
      charts: chart !== null,
      about: t(`reports.about.${r.report.id}`),
      fields: r.report.params,
      params: r.params,
      periods: OVERVIEW_PERIODS,
      columns: r.report.columns.map((c) => t(`reports.col.${c}`)),
      rows: view.rows,
      total: view.total,
      shown: view.rows.length,
      figures: view.summary.figures.map((f) => ({ label: t(`reports.figure.${f.key}`), value: f.value })),
      chart,
      omitted: view.summary.chart?.omitted ?? 0,
      csvHref: `/admin/t/${r.tenantId}/reports/${r.report.id}.csv${query ? `?${query}` : ''}`,
      backHref: `/admin/t/${r.tenantId}/reports`,
    });
  });
}

/** The summary's chart with its data table, in the console's words; null when the report has none or it is empty. */
function chartOf(summary: ReportSummary, t: Translate): ChartData | null {
  const c = summary.chart;
  if (!c || c.labels.length === 0) return null;
  return buildChart({
    id: c.id,
    kind: c.series.length > 1 ? 'stacked-bar' : 'bar',
    caption: t(`reports.chart.${c.id}`),
    xLabel: t(`reports.axis.${c.xKey}`),
    labels: c.labels.map((l) => (c.labelPrefix ? t(`${c.labelPrefix}${l}`) : l)),
    series: c.series.map((s) => ({ name: t(`reports.series.${s.key}`), values: s.values })),
  });
}
