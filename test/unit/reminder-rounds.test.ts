import { describe, expect, it } from 'vitest';
import { nextEnrolmentStep, type EnrolmentHistory } from '../../src/core/reminders/enrolment-rounds.js';
import { expiryRound } from '../../src/core/reminders/expiry-rounds.js';
import type { EnrolmentReminderSettings } from '../../src/core/enrolment/enrolment-settings.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const SETTINGS: EnrolmentReminderSettings = { enabled: true, firstAfterDays: 3, everyDays: 7, maxReminders: 3, overdueEveryDays: 2, maxOverdueReminders: 2 };
const none: EnrolmentHistory = { seenAt: null, rounds: [] };
const history = (seenDays: number, rounds: Array<[string, number]>): EnrolmentHistory => ({ seenAt: at(seenDays), rounds: rounds.map(([key, d]) => ({ key, at: at(d) })) });

describe('nextEnrolmentStep', () => {
  it('notes a person first, and sends r1 firstAfterDays later', () => {
    expect(nextEnrolmentStep(SETTINGS, null, none, T0)).toEqual({ do: 'note' });
    expect(nextEnrolmentStep(SETTINGS, null, history(0, []), at(2.9))).toEqual({ do: 'wait' });
    expect(nextEnrolmentStep(SETTINGS, null, history(0, []), at(3))).toEqual({ do: 'send', round: 'r1', overdue: false, note: false });
  });

  it('sends r1 at once (noting too) when firstAfterDays is 0', () => {
    expect(nextEnrolmentStep({ ...SETTINGS, firstAfterDays: 0 }, null, none, T0)).toEqual({ do: 'send', round: 'r1', overdue: false, note: true });
  });

  it('repeats every everyDays after the previous one, at most maxReminders', () => {
    const one = history(0, [['r1', 3]]);
    expect(nextEnrolmentStep(SETTINGS, null, one, at(9.9))).toEqual({ do: 'wait' });
    expect(nextEnrolmentStep(SETTINGS, null, one, at(10))).toMatchObject({ do: 'send', round: 'r2' });
    const three = history(0, [['r1', 3], ['r2', 10], ['r3', 17]]);
    expect(nextEnrolmentStep(SETTINGS, null, three, at(100))).toEqual({ do: 'wait' });
  });

  it('after the deadline: o1 at once, then every overdueEveryDays, at most maxOverdueReminders', () => {
    const deadline = at(12);
    const before = history(0, [['r1', 3], ['r2', 10]]);
    // Two days after r2 (the overdue interval), though the weekly one is not yet due.
    expect(nextEnrolmentStep(SETTINGS, deadline, before, at(11.5))).toMatchObject({ do: 'wait' });
    expect(nextEnrolmentStep(SETTINGS, deadline, before, at(12))).toEqual({ do: 'send', round: 'o1', overdue: true, note: false });
    const o1 = history(0, [['r1', 3], ['r2', 10], ['o1', 12]]);
    expect(nextEnrolmentStep(SETTINGS, deadline, o1, at(13))).toEqual({ do: 'wait' });
    expect(nextEnrolmentStep(SETTINGS, deadline, o1, at(14))).toMatchObject({ do: 'send', round: 'o2' });
    const o2 = history(0, [['r1', 3], ['o1', 12], ['o2', 14]]);
    expect(nextEnrolmentStep(SETTINGS, deadline, o2, at(50))).toEqual({ do: 'wait' });
  });

  it('someone first found after the deadline is reminded at once, as overdue', () => {
    expect(nextEnrolmentStep(SETTINGS, at(-1), none, T0)).toEqual({ do: 'send', round: 'o1', overdue: true, note: true });
  });

  it('the overdue rounds continue even when maxReminders was used up before the deadline', () => {
    const used = history(0, [['r1', 3], ['r2', 10], ['r3', 17]]);
    expect(nextEnrolmentStep(SETTINGS, at(18), used, at(19))).toMatchObject({ do: 'send', round: 'o1' });
  });
});

describe('expiryRound', () => {
  const expires = new Date('2026-04-01T00:00:00Z');
  const before = (days: number) => new Date(expires.getTime() - days * DAY);

  it('names the smallest threshold reached, with the expiry, so a new password starts over', () => {
    expect(expiryRound(expires, [14, 7, 1], before(15))).toBeNull();
    expect(expiryRound(expires, [14, 7, 1], before(14))).toEqual({ round: '2026-04-01T00:00:00.000Z/14d', threshold: 14, daysLeft: 14 });
    expect(expiryRound(expires, [14, 7, 1], before(5))).toEqual({ round: '2026-04-01T00:00:00.000Z/7d', threshold: 7, daysLeft: 5 });
    expect(expiryRound(expires, [1, 14, 7], before(0.5))).toMatchObject({ threshold: 1, daysLeft: 1 });
    expect(expiryRound(new Date(expires.getTime() + DAY), [14, 7, 1], before(5))?.round).toBe('2026-04-02T00:00:00.000Z/7d');
  });

  it('sends nothing for an expired password', () => {
    expect(expiryRound(expires, [14, 7, 1], expires)).toBeNull();
    expect(expiryRound(expires, [14, 7, 1], before(-1))).toBeNull();
  });
});
