import type { Overview } from '../../../../core/admin/overview.js';
import { buildChart, formatTimeLabel, type ChartData } from '../../charts/chart-data.js';
import type { Translate } from '../../../portal/language.js';

/** The overview's charts, each with its data table: resets over time, resets by method, the funnel. */
export function overviewCharts(o: Overview, t: Translate): ChartData[] {
  const labels = o.series.map((b) => formatTimeLabel(b.start, o.grain === 'hour' ? 'hour' : 'day'));
  return [
    buildChart({
      id: 'resets-over-time', kind: 'line', caption: t('overview.chart.over_time'), xLabel: t(o.grain === 'hour' ? 'overview.chart.hour' : 'overview.chart.day'), labels,
      series: [
        { name: t('overview.started'), values: o.series.map((b) => b.started) },
        { name: t('overview.completed'), values: o.series.map((b) => b.completed) },
        { name: t('overview.failed'), values: o.series.map((b) => b.failed) },
        { name: t('overview.rate_limited'), values: o.series.map((b) => b.rateLimited) },
      ],
    }),
    buildChart({
      id: 'resets-by-method', kind: 'bar', caption: t('overview.chart.by_method'), xLabel: t('overview.chart.method'),
      labels: o.byMethod.map((m) => t(`kinds.${m.method}`)),
      series: [
        { name: t('overview.completed'), values: o.byMethod.map((m) => m.completed) },
        { name: t('overview.proofs_failed'), values: o.byMethod.map((m) => m.proofsFailed) },
      ],
    }),
    buildChart({
      id: 'reset-funnel', kind: 'stacked-bar', caption: t('overview.chart.funnel'), xLabel: t('overview.chart.step'),
      labels: o.funnel.steps.map((s) => t(`overview.funnel.${s.step}`)),
      series: [
        { name: t('overview.funnel.reached'), values: o.funnel.steps.map((s) => s.count) },
        { name: t('overview.funnel.lost'), values: o.funnel.steps.map((s) => s.lost) },
      ],
    }),
  ];
}
