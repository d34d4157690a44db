import { coverageReport } from './coverage-report.js';
import { enrolmentReport } from './enrolment-report.js';
import { expiringReport } from './expiring-report.js';
import { failedReport } from './failed-report.js';
import { lockedReport } from './locked-report.js';
import { rateLimitedReport } from './rate-limited-report.js';
import type { Report } from './report.js';
import { resetsReport } from './resets-report.js';

/** Every report, in the order the console lists them. A new report is a file and one line here. */
export const REPORTS: readonly Report[] = [coverageReport, enrolmentReport, lockedReport, expiringReport, resetsReport, failedReport, rateLimitedReport];

/** The report with this id, or undefined. */
export function reportById(id: string): Report | undefined {
  return REPORTS.find((r) => r.id === id);
}
