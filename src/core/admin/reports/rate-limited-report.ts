import { overviewWindow } from '../overview-period.js';
import { isoOrNull, type Report, type ReportChart, type ReportRow } from './report.js';

const MAX_GROUPS = 10_000;

/**
 * Rate-limited sources: refusals by a rate limit (`reset.rate_limited`) in the period, by client address and
 * limit bucket, most first. The chart adds them up by bucket.
 */
export const rateLimitedReport: Report = {
  id: 'rate-limited',
  columns: ['ip', 'bucket', 'refusals', 'first_at', 'last_at'],
  params: ['period'],
  run(sources, input) {
    const totals = { sources: 0, refusals: 0 };
    const byBucket = new Map<string, number>();
    async function* rows(): AsyncGenerator<ReportRow> {
      const window = overviewWindow(input.params.period, input.now);
      const groups = await sources.auditGroups.rateLimitedSources({ tenantId: input.tenantId, from: window.from, to: window.to, limit: MAX_GROUPS });
      const ips = new Set<string>();
      for (const g of groups) {
        ips.add(g.ip ?? '');
        totals.refusals += g.refusals;
        byBucket.set(g.bucket, (byBucket.get(g.bucket) ?? 0) + g.refusals);
        yield [g.ip, g.bucket, g.refusals, isoOrNull(g.firstAt), isoOrNull(g.lastAt)];
      }
      totals.sources = ips.size;
    }
    return {
      rows: rows(),
      summary: () => ({
        figures: [{ key: 'sources', value: totals.sources }, { key: 'refusals', value: totals.refusals }],
        chart: bucketChart(byBucket),
      }),
    };
  },
};

function bucketChart(byBucket: ReadonlyMap<string, number>): ReportChart {
  const sorted = [...byBucket].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { id: 'refusals-by-bucket', xKey: 'bucket', labels: sorted.map(([b]) => b), series: [{ key: 'refusals', values: sorted.map(([, n]) => n) }], omitted: 0 };
}
