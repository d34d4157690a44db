import type { FastifyRequest } from 'fastify';
import { reportById } from '../../../../core/admin/reports/index.js';
import { reportParamsOf, type ReportParams } from '../../../../core/admin/reports/report-params.js';
import type { Report, ReportRow, ReportSources, ReportSummary } from '../../../../core/admin/reports/report.js';
import { UnlatchError } from '../../../../core/errors.js';
import { tenantParam, type AdminContext } from '../../admin-context.js';

/** A report's query string (console and API): every field optional, one value each; `limit` for the API. */
export const reportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    period: { type: 'string', maxLength: 8 },
    days: { type: 'string', maxLength: 6 },
    group: { type: 'string', maxLength: 256 },
    min: { type: 'string', maxLength: 6 },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
  },
} as const;

export const reportParamsSchema = {
  type: 'object',
  properties: { tenant: { type: 'string' }, report: { type: 'string', maxLength: 32 } },
} as const;

/** What a route works on: the report named in the path, its checked parameters, the tenant, the sources. */
export interface ReportRequest {
  report: Report;
  params: ReportParams;
  tenantId: string;
  sources: ReportSources;
}

/** The report of the path and its parameters; unknown report 404, bad parameter 400 naming the field. */
export function reportRequestOf(ctx: AdminContext, request: FastifyRequest): ReportRequest {
  const report = reportById((request.params as { report?: string }).report ?? '');
  const sources = ctx.admin.reports;
  if (!report || !sources) throw new UnlatchError('not_found');
  const params = reportParamsOf(request.query as Record<string, unknown>);
  return { report, params, tenantId: tenantParam(request), sources };
}

/** The first `max` rows of a run, how many there were in all, and its summary (memory holds `max` rows). */
export async function runForView(r: ReportRequest, now: Date, max: number): Promise<{ rows: ReportRow[]; total: number; summary: ReportSummary }> {
  const run = r.report.run(r.sources, { tenantId: r.tenantId, params: r.params, now });
  const rows: ReportRow[] = [];
  let total = 0;
  for await (const row of run.rows) {
    if (rows.length < max) rows.push(row);
    total += 1;
  }
  return { rows, total, summary: run.summary() };
}
