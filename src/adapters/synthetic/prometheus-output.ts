import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { SYNTHETIC_STEPS, type SyntheticResult } from './synthetic-steps.js';

/** The series names, written out once (and literally, so the rules' tests find what Unlatch exports). */
const STEP_SECONDS = 'unlatch_synthetic_step_seconds';
const SUCCESS = 'unlatch_synthetic_success';
const FAILED_STEP = 'unlatch_synthetic_failed_step';
const LAST_RUN = 'unlatch_synthetic_last_run_timestamp_seconds';

/** A label value in the exposition format: backslash, double quote and line feed escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The result of one run in the Prometheus text format (0.0.4), for node_exporter's text-file collector and
 * the Pushgateway alike: each finished step's seconds, success (1/0) and the run's time. A step that did not
 * finish has no series this run, so a dashboard shows the gap rather than a stale number.
 */
export function renderMetrics(result: SyntheticResult, tenant: string): string {
  const t = label(tenant);
  const lines = [
    `# HELP ${STEP_SECONDS} Seconds each step of the last synthetic check took (email_code: from the reset start to the code read from the mailbox).`,
    `# TYPE ${STEP_SECONDS} gauge`,
    ...SYNTHETIC_STEPS.flatMap((step) => {
      const timing = result.steps.find((s) => s.step === step);
      return timing ? [`${STEP_SECONDS}{tenant="${t}",step="${step}"} ${round(timing.seconds)}`] : [];
    }),
    `# HELP ${SUCCESS} 1 when the last synthetic check passed every step, 0 when a step failed.`,
    `# TYPE ${SUCCESS} gauge`,
    `${SUCCESS}{tenant="${t}"} ${result.ok ? 1 : 0}`,
    `# HELP ${FAILED_STEP} 1 for the step the last synthetic check failed at (no series when it passed).`,
    `# TYPE ${FAILED_STEP} gauge`,
    ...(result.failure ? [`${FAILED_STEP}{tenant="${t}",step="${result.failure.step}"} 1`] : []),
    `# HELP ${LAST_RUN} When the last synthetic check ran (Unix time), to alert on a check that stopped running.`,
    `# TYPE ${LAST_RUN} gauge`,
    `${LAST_RUN}{tenant="${t}"} ${Math.floor(result.startedAt.getTime() / 1000)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function round(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

/**
 * Writes the text-file collector's file atomically: a temp file beside it, then a rename, so node_exporter
 * never reads half a file. The temp name does not end in `.prom`, so the collector never picks it up either.
 */
export async function writeTextfile(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Pushes to a Pushgateway: `PUT /metrics/job/unlatch_synthetic/instance/<tenant>` replaces that group's series
 * (a step missing from this run disappears instead of lingering). No redirects, a timeout.
 */
export async function pushMetrics(gateway: string, tenant: string, text: string, timeoutMs: number): Promise<void> {
  const url = `${gateway.replace(/\/+$/, '')}/metrics/job/unlatch_synthetic/instance/${encodeURIComponent(tenant)}`;
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    body: text,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`the Pushgateway answered HTTP ${response.status}`);
}
