import { describe, expect, it } from 'vitest';
import { UnlatchError } from '../../src/core/errors.js';
import {
  buildChart,
  formatNumber,
  formatPercent,
  formatTimeLabel,
  NO_VALUE,
  ratio,
  type ChartInput,
} from '../../src/http/admin/charts/chart-data.js';

const base: ChartInput = {
  id: 'resets',
  kind: 'line',
  caption: 'Resets per day',
  xLabel: 'Day',
  labels: ['1 Mar', '2 Mar', '3 Mar'],
  series: [
    { name: 'Started', values: [1200, 15, 0] },
    { name: 'Completed', values: [1100, null, 0] },
  ],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof UnlatchError) return error.code;
    throw error;
  }
  return undefined;
}

describe('buildChart', () => {
  it('keeps the shape and formats counts as whole numbers with grouping', () => {
    const chart = buildChart(base);
    expect(chart).toEqual({
      id: 'resets',
      kind: 'line',
      caption: 'Resets per day',
      xLabel: 'Day',
      labels: ['1 Mar', '2 Mar', '3 Mar'],
      series: [
        { name: 'Started', values: [1200, 15, 0], cells: ['1,200', '15', '0'] },
        { name: 'Completed', values: [1100, null, 0], cells: ['1,100', NO_VALUE, '0'] },
      ],
    });
    expect(chart).not.toHaveProperty('unit');
  });

  it('draws percentages as 0–100 and shows them with the percent sign, rounded to the places asked', () => {
    const chart = buildChart({ ...base, kind: 'bar', format: 'percent', series: [{ name: 'Success', values: [0.95238, 1, null] }] });
    expect(chart.unit).toBe('%');
    expect(chart.series[0]?.values).toEqual([95.2, 100, null]);
    expect(chart.series[0]?.cells).toEqual(['95.2%', '100.0%', NO_VALUE]);
    const whole = buildChart({ ...base, format: 'percent', fractionDigits: 0, series: [{ name: 'S', values: [0.5049, 0, 0.999] }] });
    expect(whole.series[0]?.values).toEqual([50, 0, 100]);
    expect(whole.series[0]?.cells).toEqual(['50%', '0%', '100%']);
  });

  it('formats for the locale given', () => {
    const chart = buildChart({ ...base, locale: 'de', format: 'decimal', series: [{ name: 'x', values: [1234.56, 0.5, 2] }] });
    expect(chart.series[0]?.cells).toEqual(['1.234,6', '0,5', '2']);
    expect(chart.series[0]?.values).toEqual([1234.56, 0.5, 2]);
  });

  it('gives durations in ms the unit ms', () => {
    const chart = buildChart({ ...base, kind: 'stacked-bar', format: 'ms', series: [{ name: 'p50', values: [950.4, 12000, 3] }] });
    expect(chart.unit).toBe('ms');
    expect(chart.series[0]?.cells).toEqual(['950 ms', '12,000 ms', '3 ms']);
  });

  it('passes the button text on only when given', () => {
    expect(buildChart({ ...base, showTableLabel: 'Tabelle zeigen' }).showTableLabel).toBe('Tabelle zeigen');
    expect(buildChart(base)).not.toHaveProperty('showTableLabel');
  });

  it('copies the labels: a later change to the input does not change the chart', () => {
    const labels = ['a', 'b', 'c'];
    const chart = buildChart({ ...base, labels });
    labels[0] = 'changed';
    expect(chart.labels[0]).toBe('a');
  });

  it('rejects a series whose length differs from the labels with a typed error', () => {
    const shortSeries = { ...base, series: [{ name: 'Started', values: [1, 2] }] };
    expect(codeOf(() => buildChart(shortSeries))).toBe('internal');
    expect(() => buildChart(shortSeries)).toThrow(/2 values for 3 labels/);
  });

  it('rejects values that are not finite numbers', () => {
    expect(codeOf(() => buildChart({ ...base, series: [{ name: 'x', values: [1, Number.NaN, 2] }] }))).toBe('internal');
    expect(codeOf(() => buildChart({ ...base, series: [{ name: 'x', values: [1, Infinity, 2] }] }))).toBe('internal');
  });

  it('rejects ids that cannot be an element id, unknown kinds, no series and bad places', () => {
    for (const id of ['', 'Resets', '1st', 'a b', 'a"b', 'x'.repeat(65)]) {
      expect(codeOf(() => buildChart({ ...base, id })), id).toBe('internal');
    }
    expect(codeOf(() => buildChart({ ...base, kind: 'pie' as never }))).toBe('internal');
    expect(codeOf(() => buildChart({ ...base, series: [] }))).toBe('internal');
    expect(codeOf(() => buildChart({ ...base, fractionDigits: 1.5 }))).toBe('internal');
    expect(codeOf(() => buildChart({ ...base, fractionDigits: 7 }))).toBe('internal');
  });
});

describe('number helpers', () => {
  it('formatNumber groups and rounds', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(2.345, 'en', 1)).toBe('2.3');
    expect(formatNumber(1234.5, 'fr', 1)).toBe('1\u202f234,5');
  });

  it('formatPercent shows a ratio as a percentage', () => {
    expect(formatPercent(0.9876)).toBe('98.8%');
    expect(formatPercent(0.8)).toBe('80.0%');
    expect(formatPercent(0.5, 'en', 0)).toBe('50%');
  });

  it('ratio has no value without a whole', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 0)).toBeNull();
  });

  it('formatTimeLabel shows days and hours in UTC by default', () => {
    const at = new Date('2025-03-14T23:30:00Z');
    expect(formatTimeLabel(at, 'day')).toBe('Mar 14');
    expect(formatTimeLabel(at, 'day', 'en-GB')).toBe('14 Mar');
    expect(formatTimeLabel(at, 'hour', 'en-GB')).toBe('14 Mar, 23:30');
    expect(formatTimeLabel(at, 'day', 'en-GB', 'Europe/Berlin')).toBe('15 Mar');
  });
});
