// Percentiles (nearest rank, on raw sub-millisecond samples) and number formatting.

/** @param {number[]} samples @param {number} p 0..100 */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = samples.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** `{ n, p50, p99, max, mean }` of latencies in ms. */
export function summarize(samples) {
  if (samples.length === 0) return { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  let sum = 0;
  let max = 0;
  for (const v of samples) {
    sum += v;
    if (v > max) max = v;
  }
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max, mean: sum / samples.length };
}

export function ms(value) {
  return Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : 'n/a';
}

export function rate(value) {
  return Number.isFinite(value) ? `${value.toFixed(value < 100 ? 2 : 0)}/s` : 'n/a';
}

export function mb(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a';
}

/** Left-aligned text table. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
