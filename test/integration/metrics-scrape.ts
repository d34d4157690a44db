import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** promtool from Debian's `prometheus` package. */
export const PROMTOOL = '/usr/bin/promtool';

/**
 * The value of one series in Prometheus text output, `series` written as it appears (`name{a="b",c="d"}`);
 * 0 when the series is absent (a counter not yet touched). Throws on a malformed value, so a test cannot pass on garbage.
 */
export function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) return 0;
  const value = Number(line.slice(series.length + 1).trim().split(' ')[0]);
  if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
  return value;
}

/** Whether any series of `name` is in the output (not only its HELP/TYPE lines). */
export function hasSeries(text: string, name: string): boolean {
  return text.split('\n').some((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

/** `promtool check metrics` on the text: its exit status and what it said. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Is promtool installed here? */
export const promtoolInstalled = (): boolean => existsSync(PROMTOOL);
