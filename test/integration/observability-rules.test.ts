import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { COMMANDS } from '../../src/cli/cli.js';
import { GLOBAL_OPTIONS } from '../../src/cli/command.js';
import { packageRoot } from '../../src/package-root.js';
import {
  OBSERVABILITY, metricExists, metricNamesIn, readDashboard, readYamlFile, recordingNamesIn, rulesOf, withoutGrafanaVariables,
  type SloFile,
} from '../helpers/observability-files.js';
import { shouldRun } from '../helpers/services.js';

const PROM = join(OBSERVABILITY, 'prometheus');
const RULE_FILES = ['unlatch-rules.yml', 'unlatch-alerts.yml'];
const DASHBOARDS = ['executive.json', 'on-call.json', 'debug.json'];
const promtoolFound = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const recordingRules = rulesOf('prometheus/unlatch-rules.yml');
const alerts = rulesOf('prometheus/unlatch-alerts.yml');
const slo = readYamlFile<SloFile>('slo.yaml');

describe.runIf(shouldRun('promtool (Debian package prometheus)', promtoolFound))('Prometheus rules under promtool', () => {
  it('passes `promtool check rules`', () => {
    const result = promtool('check', 'rules', ...RULE_FILES.map((f) => join(PROM, f)));
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('passes every `promtool test rules` unit test file', () => {
    const tests = readdirSync(PROM).filter((f) => f.endsWith('.test.yml'));
    expect(tests.length).toBeGreaterThan(0);
    for (const file of tests) {
      const result = promtool('test', 'rules', join(PROM, file));
      expect(result.status, `${file}: ${result.output}`).toBe(0);
    }
  }, 120_000);

  it('unit tests catch a wrong threshold (a reset-success budget of 20% instead of 2%)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unlatch-rules-'));
    for (const f of readdirSync(PROM)) copyFileSync(join(PROM, f), join(dir, f));
    const alertsText = readFileSync(join(dir, 'unlatch-alerts.yml'), 'utf8');
    writeFileSync(join(dir, 'unlatch-alerts.yml'), alertsText.replaceAll(' * 0.02)', ' * 0.2)'));
    const result = promtool('test', 'rules', join(dir, 'unlatch-alerts.test.yml'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('UnlatchResetSuccessFastBurn');
  }, 120_000);

  it('every dashboard query is valid PromQL', () => {
    const rules = DASHBOARDS.flatMap((name) => readDashboard(name).panels.flatMap((p, i) =>
      (p.targets ?? []).map((t, j) => ({ record: `dashboard:${name.replace(/\W/g, '_')}:p${i}_${j}`, expr: withoutGrafanaVariables(t.expr) }))));
    const file = join(mkdtempSync(join(tmpdir(), 'unlatch-dash-')), 'queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = promtool('check', 'rules', file);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`${rules.length} rules found`);
  });
});

describe('alert thresholds match slo.yaml', () => {
  const burnAlerts = alerts.filter((a) => a.labels?.slo);

  it('has a page and a ticket burn-rate alert for the reset-success and delivery SLOs', () => {
    const pairs = burnAlerts.map((a) => `${a.labels!.slo}/${a.labels!.severity}`).sort();
    expect(pairs).toEqual(['delivery/page', 'delivery/ticket', 'reset_success/page', 'reset_success/ticket']);
  });

  it('uses exactly the windows and factors of its severity, times the error budget of its SLO', () => {
    for (const alert of burnAlerts) {
      const objective = slo.slos[alert.labels!.slo!]!;
      const budget = Math.round((1 - objective.target) * 1e6) / 1e6;
      const found = [...alert.expr.matchAll(/(unlatch:[a-z_]+):error_ratio_rate(\w+) > \(([\d.]+) \* ([\d.]+)\)/g)]
        .map(([, prefix, window, factor, b]) => ({ prefix, window, factor: Number(factor), budget: Number(b) }));
      const expected = slo.burn_rate_windows[alert.labels!.severity as 'page' | 'ticket']
        .flatMap((w) => [w.long, w.short].map((window) => ({ prefix: objective.record_prefix, window, factor: w.factor, budget })));
      expect(found, alert.alert).toEqual(expected);
    }
  });

  it('records the M9 burn rate as the error ratio divided by the same budget', () => {
    for (const [, objective] of Object.entries(slo.slos)) {
      const burns = recordingRules.filter((r) => r.record?.startsWith(`${objective.record_prefix}:burn_rate`));
      expect(burns.length).toBeGreaterThan(0);
      for (const rule of burns) expect(rule.expr).toMatch(new RegExp(` / ${Math.round((1 - objective.target) * 1e6) / 1e6}$`));
    }
  });

  it('uses the other thresholds of slo.yaml', () => {
    const expected: Record<string, string> = {
      UnlatchOutboxBacklogHigh: 'outbox_backlog_max', UnlatchOutboxOldestMessageOld: 'outbox_oldest_age_seconds_max',
      UnlatchDirectoryErrors: 'directory_errors_per_minute_max', UnlatchPostResetSignInFailing: 'post_reset_signin_failure_ratio_max',
      UnlatchRateLimitHitRateHigh: 'rate_limit_hit_ratio_max', UnlatchResetDecoyShareHigh: 'reset_decoy_share_max',
      UnlatchSmsProviderFailing: 'sms_failure_ratio_max', UnlatchAuditSinkLagging: 'audit_sink_lag_seconds_max',
    };
    for (const [name, key] of Object.entries(expected)) {
      const alert = alerts.find((a) => a.alert === name);
      expect(alert, name).toBeDefined();
      expect(Number(/> ([\d.]+)\s*$/.exec(alert!.expr)?.[1]), name).toBe(slo.thresholds[key]);
    }
  });
});

describe('alerts', () => {
  it('each has a severity (page or ticket), a summary and a runbook that exists', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(['page', 'ticket'], alert.alert).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, alert.alert).toBeTruthy();
      const runbook = alert.annotations?.runbook_url ?? '';
      expect(runbook, alert.alert).toMatch(/^docs\/runbooks\/[\w-]+\.md$/);
      expect(existsSync(join(packageRoot(), runbook)), runbook).toBe(true);
    }
  });

  it('each is unit-tested both firing and not firing', () => {
    const cases = readdirSync(PROM).filter((f) => f.endsWith('.test.yml'))
      .flatMap((f) => readYamlFile<{ tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }>(`prometheus/${f}`).tests)
      .flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert.alert);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert.alert} fires`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert.alert} stays quiet`).toBe(true);
    }
  });

  it('read only metrics that Unlatch exports and recording rules that exist', async () => {
    const recorded = new Set(recordingRules.map((r) => r.record));
    for (const rule of [...recordingRules, ...alerts]) {
      for (const name of metricNamesIn(rule.expr)) expect(await metricExists(name), `${rule.record ?? rule.alert}: ${name}`).toBe(true);
      for (const name of recordingNamesIn(rule.expr)) expect(recorded.has(name), `${rule.record ?? rule.alert}: ${name}`).toBe(true);
    }
  });
});

describe('Grafana dashboards', () => {
  const recorded = new Set(recordingRules.map((r) => r.record));

  it.each(DASHBOARDS)('%s has the tenant variable, titled panels and queries of existing metrics', async (name) => {
    const dashboard = readDashboard(name);
    expect(dashboard.uid).toMatch(/^unlatch-/);
    expect(dashboard.templating.list.map((v) => v.name)).toContain('tenant');
    expect(dashboard.panels.length).toBeGreaterThan(3);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.title?.trim(), `panel ${panel.id}`).toBeTruthy();
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        for (const metric of metricNamesIn(expr)) expect(await metricExists(metric), `${panel.title}: ${metric}`).toBe(true);
        for (const record of recordingNamesIn(expr)) expect(recorded.has(record), `${panel.title}: ${record}`).toBe(true);
      }
    }
  });

  it('filter by tenant wherever the series carry a tenant label', () => {
    const tenantless = /unlatch_(messages|sms_attempts|outbox|audit_sink|http_request|directory_operation|process|build_info|rate_limit_fallback|helpdesk_ticket_cost)|unlatch:slo_delivery/;
    for (const name of DASHBOARDS) {
      for (const panel of readDashboard(name).panels) {
        for (const { expr } of panel.targets ?? []) {
          const reads = [...metricNamesIn(expr), ...recordingNamesIn(expr)];
          const needsTenant = reads.some((m) => !tenantless.test(m));
          if (needsTenant) expect(expr, `${name}: ${panel.title}`).toContain('$tenant');
        }
      }
    }
  });
});

describe('runbooks', () => {
  const dir = join(packageRoot(), 'docs', 'runbooks');
  const runbooks = readdirSync(dir).filter((f) => f !== 'README.md');

  it('cover F1–F8, each with symptom, confirmation, mitigation and recovery', () => {
    for (let i = 1; i <= 8; i++) expect(runbooks).toContain(`F${i}.md`);
    for (const file of runbooks) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const section of ['## Symptom', '## Confirm', '## Mitigate', '## Verify recovery']) expect(text, `${file}: ${section}`).toContain(section);
      expect(text, file).toMatch(/```promql\n/);
    }
  });

  it('name only `unlatch` commands and options that exist', () => {
    const names = COMMANDS.map((c) => c.name).sort((a, b) => b.length - a.length);
    let checked = 0;
    for (const file of readdirSync(dir)) {
      for (const [, line] of readFileSync(join(dir, file), 'utf8').matchAll(/`unlatch ([a-z][^`]*)`/g)) {
        const command = COMMANDS.find((c) => c.name === names.find((n) => line!.startsWith(n)));
        expect(command, `${file}: unlatch ${line}`).toBeDefined();
        for (const [, option] of line!.matchAll(/--([a-z-]+)/g)) {
          expect({ ...GLOBAL_OPTIONS, ...command!.options }, `${file}: unlatch ${line}`).toHaveProperty([option!]);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });
});
