import { isoOrNull, type Report, type ReportRow } from './report.js';
import { detailsOf, inBatches, peopleOf } from './people-listing.js';

const DAY_MS = 86_400_000;

/**
 * Passwords that expire within the next `days` days, and those already expired, where the directory tells
 * (ppolicy `pwdMaxAge`, AD's `msDS-UserPasswordExpiryTimeComputed`). People whose directory cannot tell, and
 * passwords that never expire, are counted in the summary. One details read per enabled person, eight at a time.
 */
export const expiringReport: Report = {
  id: 'expiring',
  // `reminders_sent`: expiry reminders mailed for this password (this expiry date), when reminders are recorded here.
  columns: ['username', 'display_name', 'email', 'password_last_set', 'password_expires', 'days_left', 'status', 'account_id', 'reminders_sent'],
  params: ['days', 'group'],
  run(sources, input) {
    const now = input.now.getTime();
    const until = now + input.params.days * DAY_MS;
    const totals = { people: 0, expiring: 0, expired: 0, never: 0, unknown: 0 };
    async function* enabled() {
      for await (const account of peopleOf(sources, input.tenantId, input.params.group)) if (account.enabled) yield account;
    }
    async function* rows(): AsyncGenerator<ReportRow> {
      const reminders = sources.enrolment ? await sources.enrolment.ledger.sentBySubject(input.tenantId, 'expiry', new Date(now - 366 * DAY_MS)) : null;
      for await (const [account, detail] of inBatches(enabled(), 8, detailsOf(sources))) {
        totals.people += 1;
        const expires = detail.passwordExpiresAt;
        if (expires === undefined) {
          totals.unknown += 1;
          continue;
        }
        if (expires === null) {
          totals.never += 1;
          continue;
        }
        const at = expires.getTime();
        if (at > until) continue;
        const expired = at <= now;
        totals[expired ? 'expired' : 'expiring'] += 1;
        const daysLeft = Math.floor((at - now) / DAY_MS);
        yield [account.username, account.displayName ?? null, account.email ?? null, isoOrNull(detail.passwordLastSetAt), isoOrNull(expires), daysLeft, expired ? 'expired' : 'expiring', account.id, remindersFor(reminders, account.id, expires)];
      }
    }
    return {
      rows: rows(),
      summary: () => ({
        figures: [
          { key: 'people', value: totals.people },
          { key: 'expiring', value: totals.expiring },
          { key: 'expired', value: totals.expired },
          { key: 'never_expires', value: totals.never },
          { key: 'expiry_unknown', value: totals.unknown },
        ],
      }),
    };
  },
};

// Expiry rounds are `<expiry ISO>/<threshold>d`: those of this password's expiry.
function remindersFor(sent: ReadonlyMap<string, ReadonlyArray<{ round: string; mailed: boolean }>> | null, subjectId: string, expires: Date): number | null {
  if (!sent) return null;
  const prefix = `${expires.toISOString()}/`;
  return (sent.get(subjectId) ?? []).filter((r) => r.mailed && r.round.startsWith(prefix)).length;
}
