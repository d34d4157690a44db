import type { EnrolmentReminderSettings } from '../enrolment/enrolment-settings.js';

const DAY_MS = 86_400_000;

/** The round key of the row noting when a person was first found without enough methods (no mail). */
export const SEEN_ROUND = 'seen';

/** What was recorded of one person's enrolment reminders. */
export interface EnrolmentHistory {
  /** When a run first found them without enough methods (the `seen` row); null: never. */
  seenAt: Date | null;
  /** Reminders mailed: `r1`, `r2`, … before the deadline, `o1`, `o2`, … after it. */
  rounds: ReadonlyArray<{ key: string; at: Date }>;
}

/** What a run does for one person without enough methods. */
export type EnrolmentStep =
  | { do: 'wait' }
  /** Only note that they were found (the first reminder waits `firstAfterDays`). */
  | { do: 'note' }
  /** Mail reminder `round` (and note them first when `note`). */
  | { do: 'send'; round: string; overdue: boolean; note: boolean };

/**
 * The schedule of enrolment reminders for one person still without enough methods, as one pure decision.
 *
 * - Found for the first time: noted; the first reminder (`r1`) goes `firstAfterDays` later (at once when 0).
 * - Before the deadline: `r2`, `r3`, … every `everyDays` after the previous one, at most `maxReminders` in all.
 * - From the deadline on (the person is overdue): `o1`, `o2`, … every `overdueEveryDays` after the previous
 *   reminder of either kind (the first at once when none was ever sent), at most `maxOverdueReminders`.
 *
 * Rounds are numbered, so a second node or a second run deciding the same round writes the same key, and the
 * store's unique row lets only one of them send it.
 */
export function nextEnrolmentStep(settings: EnrolmentReminderSettings, deadline: Date | null, history: EnrolmentHistory, now: Date): EnrolmentStep {
  const at = now.getTime();
  const overdue = deadline !== null && at >= deadline.getTime();
  const seen = history.seenAt?.getTime() ?? null;
  const before = history.rounds.filter((r) => r.key.startsWith('r')).length;
  const after = history.rounds.filter((r) => r.key.startsWith('o')).length;
  const last = history.rounds.reduce<number | null>((latest, r) => Math.max(latest ?? 0, r.at.getTime()), null);
  const note = seen === null;

  if (overdue) {
    if (after >= settings.maxOverdueReminders) return note ? { do: 'note' } : { do: 'wait' };
    const due = last === null ? at : last + settings.overdueEveryDays * DAY_MS;
    return at >= due ? { do: 'send', round: `o${after + 1}`, overdue: true, note } : note ? { do: 'note' } : { do: 'wait' };
  }
  if (before >= settings.maxReminders) return note ? { do: 'note' } : { do: 'wait' };
  const due = before === 0 ? (seen ?? at) + settings.firstAfterDays * DAY_MS : (last ?? at) + settings.everyDays * DAY_MS;
  return at >= due ? { do: 'send', round: `r${before + 1}`, overdue: false, note } : note ? { do: 'note' } : { do: 'wait' };
}
