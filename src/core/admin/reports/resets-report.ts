import { loadOverview, type Overview } from '../overview.js';
import type { Report, ReportRow } from './report.js';

/**
 * Resets by outcome and by method over a period: the overview's own figures (from the audit rollup, computed
 * once in `loadOverview`), as rows. `outcome` rows: started, completed, failed (too many wrong proofs),
 * decoys, rate-limited refusals. `method` rows: completed resets that used the method, proofs passed and failed.
 */
export const resetsReport: Report = {
  id: 'resets',
  columns: ['dimension', 'value', 'resets', 'proofs_passed', 'proofs_failed'],
  params: ['period'],
  run(sources, input) {
    let overview: Overview | null = null;
    async function* rows(): AsyncGenerator<ReportRow> {
      overview = await loadOverview({ stats: sources.stats }, input.tenantId, input.params.period, input.now);
      const r = overview.resets;
      yield ['outcome', 'started', r.started, null, null];
      yield ['outcome', 'completed', r.completed, null, null];
      yield ['outcome', 'failed', r.failed, null, null];
      yield ['outcome', 'decoy', r.decoys, null, null];
      yield ['outcome', 'rate_limited', overview.rateLimited.refused, null, null];
      for (const m of overview.byMethod) yield ['method', m.method, m.completed, m.proofsPassed, m.proofsFailed];
    }
    return {
      rows: rows(),
      summary: () => {
        const o = overview as Overview | null;
        if (!o) return { figures: [] };
        return {
          figures: [
            { key: 'started', value: o.resets.started },
            { key: 'completed', value: o.resets.completed },
            { key: 'failed', value: o.resets.failed },
            { key: 'decoys', value: o.resets.decoys },
            { key: 'rate_limited', value: o.rateLimited.refused },
          ],
          chart: {
            id: 'resets-by-method',
            xKey: 'method',
            labels: o.byMethod.map((m) => m.method),
            labelPrefix: 'kinds.',
            series: [
              { key: 'completed', values: o.byMethod.map((m) => m.completed) },
              { key: 'proofs_failed', values: o.byMethod.map((m) => m.proofsFailed) },
            ],
            omitted: 0,
          },
        };
      },
    };
  },
};
