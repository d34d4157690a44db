import { isoOrNull, type Report, type ReportRow } from './report.js';
import { detailsOf, inBatches, peopleOf } from './people-listing.js';

/**
 * Accounts locked out now (after failed sign-ins, as the directory says), with when the lockout began and
 * which directory holds the account where the directory tells.
 */
export const lockedReport: Report = {
  id: 'locked',
  columns: ['username', 'display_name', 'email', 'locked_at', 'directory', 'account_id'],
  params: ['group'],
  run(sources, input) {
    const totals = { people: 0, locked: 0 };
    async function* locked() {
      for await (const account of peopleOf(sources, input.tenantId, input.params.group)) {
        totals.people += 1;
        if (account.locked) yield account;
      }
    }
    async function* rows(): AsyncGenerator<ReportRow> {
      for await (const [account, detail] of inBatches(locked(), 8, detailsOf(sources))) {
        totals.locked += 1;
        yield [account.username, account.displayName ?? null, account.email ?? null, isoOrNull(detail.lockedAt), detail.directory ?? null, account.id];
      }
    }
    return {
      rows: rows(),
      summary: () => ({ figures: [{ key: 'people', value: totals.people }, { key: 'locked', value: totals.locked }] }),
    };
  },
};
