import { createHash } from 'node:crypto';

/** How often a scheduled report is mailed. */
export const REPORT_CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

/** One configured schedule (`admin.reports.schedules[]`). */
export interface ReportSchedule {
  report: string;
  tenant: string;
  every: ReportCadence;
  /** The hour of the day (UTC, 0–23) the run falls due; weekly runs on Mondays, monthly on the 1st. */
  hourUtc: number;
  recipients: readonly string[];
  /** The report's parameters (`period`, `days`, `group`, `min`), as in the console's query string. */
  params: Readonly<Record<string, string | number>>;
}

const DAY_MS = 86_400_000;

/**
 * The latest time at or before `now` when the schedule fell due: today's (or yesterday's) `hourUtc` for daily,
 * this (or last) Monday's for weekly, the 1st of this (or last) month's for monthly. A node that was down
 * at that time runs it when it comes back; runs missed before that one are not made up.
 */
export function lastDueAt(schedule: Pick<ReportSchedule, 'every' | 'hourUtc'>, now: Date): Date {
  const t = now.getTime();
  const day = Math.floor(t / DAY_MS) * DAY_MS;
  const hour = schedule.hourUtc * 3_600_000;
  switch (schedule.every) {
    case 'daily':
      return new Date(day + hour <= t ? day + hour : day - DAY_MS + hour);
    case 'weekly': {
      // 1970-01-01 was a Thursday: Monday is 3 days later in the week's cycle.
      const monday = day - (((Math.floor(day / DAY_MS) - 4) % 7) + 7) % 7 * DAY_MS;
      return new Date(monday + hour <= t ? monday + hour : monday - 7 * DAY_MS + hour);
    }
    case 'monthly': {
      const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) + hour;
      return new Date(first <= t ? first : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1) + hour);
    }
  }
}

/**
 * A schedule's stable key: what it sends, where and to whom. Changing the recipients or parameters makes a new
 * schedule (its due run goes out to the new list); reordering the configuration does not.
 */
export function scheduleKey(schedule: ReportSchedule): string {
  const what = JSON.stringify([schedule.hourUtc, [...schedule.recipients].sort(), Object.entries(schedule.params).sort(([a], [b]) => a.localeCompare(b))]);
  const digest = createHash('sha256').update(what).digest('hex').slice(0, 16);
  return `${schedule.tenant}/${schedule.report}/${schedule.every}/${digest}`;
}
