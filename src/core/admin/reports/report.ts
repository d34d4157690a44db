import type { AuditGroups } from '../../ports/audit-groups.js';
import type { AuditStats } from '../../ports/audit-stats.js';
import type { Directory } from '../../ports/directory.js';
import type { EnrolmentReportSource } from '../../enrolment/enrolment-report-source.js';
import type { CoverageSnapshots, MethodCoverage } from '../../ports/method-coverage.js';
import type { ReportParamName, ReportParams } from './report-params.js';

/** One cell of a report: text, a number, or nothing. Times are ISO 8601 UTC strings. */
export type ReportCell = string | number | null;

/** One row of a report, its cells in the order of the report's `columns`. */
export type ReportRow = readonly ReportCell[];

/** What reports read: the tenant's directories, registered methods, the audit rollup and grouped audit reads. */
export interface ReportSources {
  directory: Directory;
  coverage: MethodCoverage;
  stats: AuditStats;
  auditGroups: AuditGroups;
  /** Where a full coverage run leaves its totals for the overview (absent: nowhere). */
  snapshots?: CoverageSnapshots;
  /** Policies, deadlines, methods and reminders sent, for the enrolment report and the coverage report's `overdue` (absent: not shown). */
  enrolment?: EnrolmentReportSource;
  /** Accounts per directory request when listing people (LDAP page, SQL keyset page); default the directory's. */
  listPageSize?: number;
}

/** A headline figure of a report (`key` names its text: `reports.figure.<key>`). */
export interface ReportFigure {
  key: string;
  value: number;
}

/** A bar chart of a report's figures (labels as shown; series named by `reports.series.<key>`). */
export interface ReportChart {
  /** Stable id for the page (`[a-z][a-z0-9-]*`). */
  id: string;
  /** What the x axis is: `reports.axis.<xKey>`. */
  xKey: string;
  /** The category labels; when `labelPrefix` is set they are text keys `<labelPrefix><label>` (method kinds). */
  labels: string[];
  labelPrefix?: string;
  series: Array<{ key: string; values: number[] }>;
  /** Categories left out of the chart (the table and CSV have everything). */
  omitted: number;
}

/** What a report found besides its rows; complete once its rows have been read to the end. */
export interface ReportSummary {
  figures: ReportFigure[];
  chart?: ReportChart;
}

/** One run of a report: its rows, read once (streamed), then its summary. */
export interface ReportRun {
  rows: AsyncIterable<ReportRow>;
  /** The summary; call it after `rows` has been read to the end. */
  summary(): ReportSummary;
}

/** What a run is asked for: the tenant, its parameters and the time it runs at. */
export interface ReportInput {
  tenantId: string;
  params: ReportParams;
  now: Date;
}

/**
 * One report: a file under `src/core/admin/reports/` and a line in `REPORTS`. Its rows come from port reads,
 * one at a time (an export of a large directory keeps memory flat); the page, the CSV, the API and the
 * scheduled mail all use the same run.
 */
export interface Report {
  id: string;
  /** Column names (the CSV header; the console's headers are `reports.col.<name>`). */
  columns: readonly string[];
  /** The parameters it reads (the page offers only these). */
  params: readonly ReportParamName[];
  run(sources: ReportSources, input: ReportInput): ReportRun;
}

/** A time as a report writes it: ISO 8601 UTC, or nothing. */
export function isoOrNull(value: Date | null | undefined): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : null;
}
