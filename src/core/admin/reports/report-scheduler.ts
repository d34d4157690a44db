import { createHash } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { ReportRuns } from '../../ports/report-runs.js';
import type { Store } from '../../ports/store.js';
import { UnlatchError } from '../../errors.js';
import { reportById } from './index.js';
import { paramsRecord, reportParamsOf } from './report-params.js';
import { reportCsv } from './report-csv.js';
import type { ReportRow, ReportSources } from './report.js';
import { lastDueAt, scheduleKey, type ReportSchedule } from './report-schedule.js';

/** What a scheduled run needs. */
export interface ReportSchedulerDeps {
  schedules: readonly ReportSchedule[];
  runs: ReportRuns;
  store: Store;
  sources: ReportSources;
  clock: Clock;
  /** Names this process's claims (`report_runs.claimed_by`). */
  node: string;
  /** A tenant's display name, for the mail. */
  tenantName: (tenantId: string) => string;
  /** A run that failed (directory down, bad parameters): it is tried again at the next check. */
  onError?: (schedule: ReportSchedule, error: unknown) => void;
  /** The CSV attached to a mail is cut at a row boundary past this size (default 5 MiB). */
  maxAttachmentBytes?: number;
  /** An unfinished claim older than this is taken over by another node (default 30 minutes). */
  staleClaimMs?: number;
}

/** The mail template a scheduled report is sent with. */
export const REPORT_MAIL_TEMPLATE = 'report_ready' as const;

class ClaimLost extends Error {}

/**
 * Runs the configured report schedules that are due, each once across every node: the run is claimed in the
 * store first, computed, then its mails (one per recipient, the CSV attached) and its audit entry
 * (`admin.exported`, actor `system`) are queued in the transaction that marks it finished. Two nodes that
 * check at the same moment: one claims, the other skips. A node that dies mid-run leaves a claim that goes
 * stale and is run again by another node; its mails were never queued, so none go out twice.
 */
export class ReportScheduler {
  constructor(private readonly deps: ReportSchedulerDeps) {}

  /** Runs every due schedule not yet run; returns how many ran here. Never throws (errors go to `onError`). */
  async runDue(): Promise<number> {
    let ran = 0;
    for (const schedule of this.deps.schedules) {
      try {
        if (await this.runOne(schedule)) ran += 1;
      } catch (error) {
        if (!(error instanceof ClaimLost)) this.deps.onError?.(schedule, error);
      }
    }
    return ran;
  }

  private async runOne(schedule: ReportSchedule): Promise<boolean> {
    const { runs, clock, node, store } = this.deps;
    const report = reportById(schedule.report);
    if (!report) throw new UnlatchError('invalid_request', { field: 'report' }, `unknown report ${schedule.report}`);
    const now = clock.now();
    const dueAt = lastDueAt(schedule, now);
    const key = scheduleKey(schedule);
    const staleBefore = new Date(now.getTime() - (this.deps.staleClaimMs ?? 30 * 60_000));
    if (!(await runs.claim(key, dueAt, node, now, staleBefore))) return false;

    const params = reportParamsOf(schedule.params);
    const run = report.run(this.deps.sources, { tenantId: schedule.tenant, params, now });
    const csv = await collectCsv(report.columns, run.rows, this.deps.maxAttachmentBytes ?? 5 * 1024 * 1024);
    const figures = run.summary().figures;
    const stamp = dueAt.toISOString().slice(0, 10);
    const described = paramsRecord(params, report.params);

    await store.transaction(async (tx) => {
      if (!(await runs.finish(tx, key, dueAt, node, clock.now()))) throw new ClaimLost();
      for (const to of schedule.recipients) {
        await tx.outbox.enqueue({
          channel: 'email',
          template: REPORT_MAIL_TEMPLATE,
          tenantId: schedule.tenant,
          to,
          idempotencyKey: `report-${createHash('sha256').update(`${key}\u0000${dueAt.getTime()}\u0000${to}`).digest('hex').slice(0, 40)}`,
          data: {
            report: report.id,
            tenantId: schedule.tenant,
            tenantName: this.deps.tenantName(schedule.tenant),
            dueAt: dueAt.toISOString(),
            params: JSON.stringify(described),
            figures: JSON.stringify(figures),
            rows: csv.rows,
            truncated: csv.truncated ? 1 : 0,
            filename: `unlatch-${report.id}-${schedule.tenant}-${stamp}.csv`,
            csv: csv.text,
          },
        });
      }
      await tx.audit.append({
        event: 'admin.exported',
        outcome: 'success',
        tenantId: schedule.tenant,
        actor: 'system',
        details: { what: 'report', report: report.id, format: 'csv', schedule: key, dueAt: dueAt.toISOString(), rows: csv.rows, recipients: schedule.recipients.length, params: described },
      });
    });
    return true;
  }
}

/** The whole CSV as text, cut at a row boundary once it passes `maxBytes`; every row is still counted. */
export async function collectCsv(columns: readonly string[], rows: AsyncIterable<ReportRow>, maxBytes: number): Promise<{ text: string; rows: number; truncated: boolean }> {
  const parts: string[] = [];
  let bytes = 0;
  let count = -1;
  let truncated = false;
  for await (const record of reportCsv(columns, rows, { bom: true })) {
    count += 1;
    const size = Buffer.byteLength(record);
    if (truncated || bytes + size > maxBytes) {
      truncated = true;
      continue;
    }
    parts.push(record);
    bytes += size;
  }
  return { text: parts.join(''), rows: count, truncated };
}
