import { overviewWindow } from '../overview-period.js';
import { isoOrNull, type Report, type ReportRow } from './report.js';

/** Groups read at most: a report of more people than this is an attack to look at in the audit log, not a list. */
const MAX_GROUPS = 10_000;

/**
 * People who failed repeatedly: at least `min` failed proofs (sign-in and reset: wrong password, wrong code,
 * attempts exceeded) in the period, most first, grouped in the database. The username is looked up in the
 * directory (left empty when the account is gone or the directory does not answer).
 */
export const failedReport: Report = {
  id: 'failed',
  columns: ['username', 'failures', 'sign_in_failures', 'reset_failures', 'first_at', 'last_at', 'account_id'],
  params: ['period', 'min'],
  run(sources, input) {
    const totals = { people: 0, failures: 0 };
    async function* rows(): AsyncGenerator<ReportRow> {
      const window = overviewWindow(input.params.period, input.now);
      const groups = await sources.auditGroups.failuresBySubject({ tenantId: input.tenantId, from: window.from, to: window.to, min: input.params.min, limit: MAX_GROUPS });
      for (const g of groups) {
        totals.people += 1;
        totals.failures += g.failures;
        const account = await sources.directory.findById(input.tenantId, g.subjectId).catch(() => null);
        yield [account?.username ?? null, g.failures, g.signInFailures, g.resetFailures, isoOrNull(g.firstAt), isoOrNull(g.lastAt), g.subjectId];
      }
    }
    return {
      rows: rows(),
      summary: () => ({ figures: [{ key: 'people', value: totals.people }, { key: 'failures', value: totals.failures }] }),
    };
  },
};
