import { UnlatchError } from '../../../core/errors.js';

/** How a chart is drawn: a time series, side-by-side bars, or bars stacked per x value. */
export type ChartKind = 'line' | 'bar' | 'stacked-bar';

/** The chart kinds, in one list (templates and tests derive from it). */
export const CHART_KINDS: readonly ChartKind[] = ['line', 'bar', 'stacked-bar'];

/** One series of a chart as the partial renders it: a column of the data table, a line or a bar colour of the chart. */
export interface ChartSeries {
  /** The series name: the column header and the legend entry. */
  name: string;
  /** The raw values, one per label; `null` is a gap (no data), drawn as a break and shown as "–". */
  values: (number | null)[];
  /** The values as the table shows them (formatted for the locale), one per label. */
  cells: string[];
}

/**
 * The data contract of `views/partials/chart.eta`: one figure with a data table (the source of truth)
 * that `admin-charts.js` reads to draw the chart above it.
 */
export interface ChartData {
  /** A token unique on the page (`[a-z][a-z0-9-]*`): element ids are derived from it. */
  id: string;
  kind: ChartKind;
  /** The chart's title: the figure caption and the table caption. */
  caption: string;
  /** The header of the first column: what the x axis is ("Day", "Method"). */
  xLabel: string;
  /** The x values (a time or a category), already formatted for people; one per table row. */
  labels: string[];
  series: ChartSeries[];
  /** Appended to axis ticks by the script: `%` for percentages, `ms` for durations; none for counts. */
  unit?: string;
  /** The text of the button that shows the table under a drawn chart (translated); default "Show data table". */
  showTableLabel?: string;
}

/** What {@link buildChart} takes: plain arrays, formatted here. */
export interface ChartInput {
  id: string;
  kind: ChartKind;
  caption: string;
  xLabel: string;
  labels: readonly string[];
  series: readonly { name: string; values: readonly (number | null)[] }[];
  /**
   * `count` (the default): whole numbers. `percent`: values are ratios 0–1, shown and drawn as percentages.
   * `decimal`: up to `fractionDigits` places. `ms`: milliseconds, whole, unit `ms`.
   */
  format?: 'count' | 'percent' | 'decimal' | 'ms';
  /** Places after the point for `percent` and `decimal` (default 1). */
  fractionDigits?: number;
  /** A BCP 47 tag for number formatting (default `en`). */
  locale?: string;
  /** See {@link ChartData.showTableLabel}. */
  showTableLabel?: string;
}

const ID_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
/** Shown for a gap: a dash reads as "no data" where an empty cell reads as a missing page part. */
export const NO_VALUE = '–';

/**
 * Builds the partial's data from plain arrays: checks the shape (a series shorter than the labels is a
 * bug in the aggregation, not something to draw half of) and formats every cell for the locale.
 * Throws `UnlatchError('internal')` on a bad shape: the figures come from the server, never from a person.
 */
export function buildChart(input: ChartInput): ChartData {
  const fail = (reason: string): never => {
    throw new UnlatchError('internal', { chart: input.id, reason }, `chart ${JSON.stringify(input.id)}: ${reason}`);
  };
  if (!ID_PATTERN.test(input.id)) fail('id must match [a-z][a-z0-9-]* (at most 64 characters)');
  if (!CHART_KINDS.includes(input.kind)) fail(`unknown kind ${JSON.stringify(input.kind)}`);
  if (input.series.length === 0) fail('at least one series is needed');
  const format = input.format ?? 'count';
  const digits = input.fractionDigits ?? 1;
  if (!Number.isInteger(digits) || digits < 0 || digits > 6) fail('fractionDigits must be a whole number 0–6');
  const formatter = numberFormatter(format, digits, input.locale ?? 'en');
  const series = input.series.map((s) => {
    if (s.values.length !== input.labels.length) {
      fail(`series ${JSON.stringify(s.name)} has ${s.values.length} values for ${input.labels.length} labels`);
    }
    const values = s.values.map((v) => {
      if (v === null) return null;
      if (!Number.isFinite(v)) return fail(`series ${JSON.stringify(s.name)} holds a value that is not a finite number`);
      return format === 'percent' ? round(v * 100, digits) : v;
    });
    const cells = s.values.map((v) => (v === null ? NO_VALUE : formatter(v)));
    return { name: s.name, values, cells };
  });
  const unit = format === 'percent' ? '%' : format === 'ms' ? 'ms' : undefined;
  return {
    id: input.id,
    kind: input.kind,
    caption: input.caption,
    xLabel: input.xLabel,
    labels: [...input.labels],
    series,
    ...(unit ? { unit } : {}),
    ...(input.showTableLabel ? { showTableLabel: input.showTableLabel } : {}),
  };
}

/** A number formatted for people in `locale`: whole by default, `digits` places at most otherwise. */
export function formatNumber(value: number, locale = 'en', digits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** A ratio (0–1) as a percentage in `locale` ("95.2%"), with exactly `digits` places. */
export function formatPercent(ratio: number, locale = 'en', digits = 1): string {
  // Fixed places, so a column of rates lines up ("80.0%" under "94.7%").
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

/** `part / whole` as a ratio, or `null` when there is no whole (no resets: no success rate, not 0 %). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * A time bucket's label: the day (`2025-03-14` → "Mar 14" in `en`, "14 Mar" in `en-GB`) or,
 * for hourly buckets, the hour too ("14 Mar, 09:00"), in UTC unless a zone is given, so every operator reads the same buckets.
 */
export function formatTimeLabel(at: Date, granularity: 'hour' | 'day', locale = 'en', timeZone = 'UTC'): string {
  const options: Intl.DateTimeFormatOptions =
    granularity === 'day'
      ? { day: 'numeric', month: 'short', timeZone }
      : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone };
  return new Intl.DateTimeFormat(locale, options).format(at);
}

function numberFormatter(format: NonNullable<ChartInput['format']>, digits: number, locale: string): (v: number) => string {
  switch (format) {
    case 'percent':
      return (v) => formatPercent(v, locale, digits);
    case 'decimal':
      return (v) => formatNumber(v, locale, digits);
    case 'ms':
      return (v) => `${formatNumber(v, locale, 0)} ms`;
    case 'count':
      return (v) => formatNumber(v, locale, 0);
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
