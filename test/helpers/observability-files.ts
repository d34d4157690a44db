import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { parse } from 'yaml';
import { packageRoot } from '../../src/package-root.js';

/** deploy/observability: dashboards, Prometheus rules and the SLO file. */
export const OBSERVABILITY = join(packageRoot(), 'deploy', 'observability');

/** One Prometheus rule, as far as these checks look. */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The SLO file's shape (deploy/observability/slo.yaml). */
export interface SloFile {
  slos: Record<string, { sli: string; target: number; record_prefix: string }>;
  burn_rate_windows: Record<'page' | 'ticket', { long: string; short: string; factor: number }[]>;
  thresholds: Record<string, number>;
}

/** A Grafana dashboard, as far as these checks look. */
export interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string }[] };
  panels: { id: number; title?: string; targets?: { expr: string }[] }[];
}

export function readYamlFile<T>(relative: string): T {
  return parse(readFileSync(join(OBSERVABILITY, relative), 'utf8')) as T;
}

/** Every rule of a Prometheus rule file. */
export function rulesOf(relative: string): Rule[] {
  return readYamlFile<{ groups: { rules: Rule[] }[] }>(relative).groups.flatMap((g) => g.rules);
}

export function readDashboard(name: string): Dashboard {
  return JSON.parse(readFileSync(join(OBSERVABILITY, 'dashboards', name), 'utf8')) as Dashboard;
}

/** Grafana's built-in variables replaced by plain values, so an expression can be checked by promtool. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h').replaceAll('$tenant', '.*');
}

/** The `unlatch_…` metric names an expression reads (histogram suffixes kept; see {@link metricExists}). */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bunlatch_[a-z0-9_]+/g) ?? [])];
}

/** The `unlatch:…` recording-rule names an expression reads. */
export function recordingNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bunlatch:[a-z0-9_:]+/g) ?? [])];
}

function sourceText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) text += sourceText(path);
    else if (name.endsWith('.ts')) text += readFileSync(path, 'utf8') + '\n';
  }
  return text;
}

let known: ((name: string) => boolean) | null = null;

/**
 * Whether Unlatch exports a metric of this name: named literally in src/ (grep level), or one of prom-client's
 * default process metrics under the `unlatch_` prefix. Histogram series (`_bucket`, `_count`, `_sum`) count
 * as their histogram.
 */
export async function metricExists(name: string): Promise<boolean> {
  if (!known) {
    const src = sourceText(join(packageRoot(), 'src'));
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const defaults = new Set((await registry.getMetricsAsJSON()).map((m) => `unlatch_${m.name}`));
    known = (n) => defaults.has(n) || new RegExp(`['"\`]${n}['"\`]`).test(src);
  }
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return known(name) || known(base);
}
