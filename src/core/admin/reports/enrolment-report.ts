import { UnlatchError } from '../../errors.js';
import { deadlinePassed } from '../../enrolment/enrolment-report-source.js';
import { enrolmentNeed } from '../../enrolment/enrolment-need.js';
import { decidePolicy } from '../../policy/method-policy.js';
import { peopleOf } from './people-listing.js';
import { isoOrNull, type Report, type ReportRow } from './report.js';

/**
 * Enrolment: the enabled people in SSPR's scope whose OWN methods do not satisfy their policy (the directory's
 * mailbox does not count: the computation of the reminders and `/enroll`), with how many enrolment reminders
 * each got, the last one, and whether they are overdue (the registration deadline has passed). The summary
 * counts reminders sent per round (`r1`…, `o1`… after the deadline) in the chart. One read of methods and one
 * of the reminder record per tenant, then the directory page by page.
 */
export const enrolmentReport: Report = {
  id: 'enrolment',
  columns: ['username', 'display_name', 'email', 'groups', 'missing', 'reminders_sent', 'last_reminder', 'overdue', 'account_id'],
  params: ['group'],
  run(sources, input) {
    const source = sources.enrolment;
    if (!source) throw new UnlatchError('invalid_request', { reason: 'enrolment_unavailable' }, 'enrolment data is not available here');
    const totals = { people: 0, enrolled: 0, not_enrolled: 0, overdue: 0, out_of_scope: 0, reminders_sent: 0 };
    const overdue = deadlinePassed(source, input.tenantId, input.now);
    let rounds: Array<{ round: string; count: number }> = [];
    async function* rows(): AsyncGenerator<ReportRow> {
      const policy = source!.policyFor(input.tenantId);
      const kinds = await source!.methods.kindsBySubject(input.tenantId);
      const sent = await source!.ledger.sentBySubject(input.tenantId, 'enrolment');
      rounds = await source!.ledger.countsByRound(input.tenantId, 'enrolment');
      totals.reminders_sent = rounds.reduce((sum, r) => sum + r.count, 0);
      for await (const account of peopleOf(sources, input.tenantId, input.params.group)) {
        if (!account.enabled) continue;
        totals.people += 1;
        const need = enrolmentNeed(decidePolicy(policy, account), kinds.get(account.id) ?? []);
        if (need.outOfScope) {
          totals.out_of_scope += 1;
          continue;
        }
        if (need.satisfied) {
          totals.enrolled += 1;
          continue;
        }
        totals.not_enrolled += 1;
        if (overdue) totals.overdue += 1;
        const mailed = (sent.get(account.id) ?? []).filter((r) => r.mailed);
        const missing = `${need.moreKinds}${need.needsStrong ? ' (strong)' : ''}`;
        const last = mailed.length > 0 ? mailed[mailed.length - 1]!.at : null;
        yield [account.username, account.displayName ?? null, account.email ?? null, account.groups.join('; '), missing, mailed.length, isoOrNull(last), overdue === null ? null : overdue ? 'yes' : 'no', account.id];
      }
    }
    return {
      rows: rows(),
      summary: () => ({
        figures: Object.entries(totals).map(([key, value]) => ({ key, value })),
        chart: {
          id: 'reminders-by-round',
          xKey: 'round',
          labels: rounds.map((r) => r.round),
          series: [{ key: 'reminders', values: rounds.map((r) => r.count) }],
          omitted: 0,
        },
      }),
    };
  },
};
