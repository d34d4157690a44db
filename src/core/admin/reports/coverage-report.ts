import type { Report, ReportChart, ReportRow } from './report.js';
import { peopleOf } from './people-listing.js';
import { deadlinePassed } from '../../enrolment/enrolment-report-source.js';

/** Groups shown in the chart at most (the most people without a method first); the rest are counted as omitted. */
const CHART_GROUPS = 25;
/** The bucket of people in no group. */
export const NO_GROUP = '(no group)';

/**
 * Registration coverage: the enabled people of the tenant's directories who have registered no method of
 * their own, so the only way to prove themselves is the directory's own email (or nothing). One read of
 * every subject holding a usable method, then the directory listed page by page; by group in the summary
 * (a person counts in each of their groups). Disabled accounts are counted apart and not listed.
 */
export const coverageReport: Report = {
  id: 'coverage',
  // `overdue`: yes once the tenant's registration deadline (enrolment.registrationDeadline) has passed; empty without one.
  columns: ['username', 'display_name', 'email', 'groups', 'account_id', 'overdue'],
  params: ['group'],
  run(sources, input) {
    const totals = { people: 0, covered: 0, uncovered: 0, disabled: 0 };
    const groups = new Map<string, { people: number; covered: number }>();
    const overdue = deadlinePassed(sources.enrolment, input.tenantId, input.now);
    const overdueCell = overdue === null ? null : overdue ? 'yes' : 'no';
    async function* rows(): AsyncGenerator<ReportRow> {
      const withMethods = await sources.coverage.subjectsWithMethods(input.tenantId);
      for await (const account of peopleOf(sources, input.tenantId, input.params.group)) {
        if (!account.enabled) {
          totals.disabled += 1;
          continue;
        }
        const covered = withMethods.has(account.id);
        totals.people += 1;
        totals[covered ? 'covered' : 'uncovered'] += 1;
        for (const group of account.groups.length > 0 ? account.groups : [NO_GROUP]) {
          const tally = groups.get(group) ?? { people: 0, covered: 0 };
          tally.people += 1;
          if (covered) tally.covered += 1;
          groups.set(group, tally);
        }
        if (!covered) yield [account.username, account.displayName ?? null, account.email ?? null, account.groups.join('; '), account.id, overdueCell];
      }
      // Read to the end over every group: the overview shows these totals until the next full run.
      if (!input.params.group) await sources.snapshots?.record(input.tenantId, { people: totals.people, covered: totals.covered, computedAt: input.now });
    }
    return {
      rows: rows(),
      summary: () => ({
        figures: [
          { key: 'people', value: totals.people },
          { key: 'covered', value: totals.covered },
          { key: 'uncovered', value: totals.uncovered },
          { key: 'disabled', value: totals.disabled },
          ...(overdue ? [{ key: 'overdue', value: totals.uncovered }] : []),
        ],
        chart: groupChart(groups),
      }),
    };
  },
};

function groupChart(groups: ReadonlyMap<string, { people: number; covered: number }>): ReportChart {
  const sorted = [...groups].sort((a, b) => b[1].people - b[1].covered - (a[1].people - a[1].covered) || b[1].people - a[1].people || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, CHART_GROUPS);
  return {
    id: 'coverage-by-group',
    xKey: 'group',
    labels: shown.map(([group]) => group),
    series: [
      { key: 'covered', values: shown.map(([, t]) => t.covered) },
      { key: 'uncovered', values: shown.map(([, t]) => t.people - t.covered) },
    ],
    omitted: sorted.length - shown.length,
  };
}
