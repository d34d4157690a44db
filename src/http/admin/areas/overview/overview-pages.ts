import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadOverview } from '../../../../core/admin/overview.js';
import { OVERVIEW_PERIODS } from '../../../../core/admin/overview-period.js';
import { tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { overviewCharts } from './overview-charts.js';

const periodQuery = { type: 'object', additionalProperties: false, properties: { period: { type: 'string', enum: [...OVERVIEW_PERIODS] } } } as const;

/**
 * The period's figures from the audit rollup, and registration coverage as the latest full run of the coverage
 * report counted it (null until one ran: listing every person is too slow for this page).
 */
async function overviewOf(ctx: AdminContext, request: FastifyRequest) {
  const period = (request.query as { period?: string }).period ?? '7d';
  const tenantId = tenantParam(request);
  const [overview, coverage] = await Promise.all([
    loadOverview({ stats: ctx.admin.stats }, tenantId, period, ctx.admin.clock.now()),
    ctx.admin.reports?.snapshots?.latest(tenantId) ?? null,
  ]);
  return { ...overview, coverage: coverage ? { ...coverage, rate: coverage.people > 0 ? coverage.covered / coverage.people : null } : null };
}

/** The figures of a tenant over 24 h, 7 d, 30 d or 90 d, from the audit rollup (no monitoring stack needed). */
export function registerOverviewPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { querystring: periodQuery } }, async (request, reply) => {
    const overview = await overviewOf(ctx, request);
    const t = adminT(ctx, request);
    return renderAdmin(ctx, request, reply, 'overview', {
      title: t('overview.title'), charts: true, overview, coverageHref: `/admin/t/${tenantParam(request)}/reports/coverage`, chartList: overviewCharts(overview, t), periods: OVERVIEW_PERIODS,
      pct: (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`),
      secs: (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`),
    });
  });
}

export function registerOverviewApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { tags: ['admin'], security: [{ bearer: [] }], summary: 'Self-service figures of the tenant over a period (SLIs M1, M2, M5, M6, M10, funnel, series)', querystring: periodQuery } }, async (request) => overviewOf(ctx, request));
}
