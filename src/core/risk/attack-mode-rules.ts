/**
 * Attack mode, as pure rules: when a tenant's start rate over the window is a surge against its baseline, the
 * tenant asks everyone for a proof of work until the rate has stayed calm for the cool-down. Operators may force
 * it on or off (`on`, `off`) or hand it back to these rules (`auto`).
 */

export const ATTACK_MODE_OVERRIDES = ['auto', 'on', 'off'] as const;
export type AttackModeOverride = (typeof ATTACK_MODE_OVERRIDES)[number];

export interface AttackModeRules {
  enabled: boolean;
  /** Multiple of the baseline rate that counts as a surge. */
  threshold: number;
  /** Floor of the surge rate, starts per minute. */
  minStartsPerMinute: number;
  cooldownMinutes: number;
}

/** A tenant's attack mode as kept in the store. */
export interface AttackModeRecord {
  active: boolean;
  override: AttackModeOverride;
  enteredAt: Date | null;
  /** When the rate last went below the surge rate while active (null: not calm, or not active). */
  calmSince: Date | null;
}

/** The rates one evaluation sees, in starts per minute: the window's and the baseline's. */
export interface StartRates {
  windowRate: number;
  baselineRate: number;
}

export const QUIET: AttackModeRecord = { active: false, override: 'auto', enteredAt: null, calmSince: null };

/** The rate (starts per minute) at or above which the window counts as a surge. */
export function surgeRate(rules: AttackModeRules, baselineRate: number): number {
  return Math.max(rules.minStartsPerMinute, rules.threshold * baselineRate);
}

/**
 * The next state and whether the rules (not an operator) entered or left attack mode now. An override decides
 * alone; `auto` enters on a surge, stays while it lasts, and leaves once `cooldownMinutes` passed without one.
 */
export function nextAttackMode(
  record: AttackModeRecord,
  rates: StartRates,
  rules: AttackModeRules,
  now: Date,
): { record: AttackModeRecord; change: 'entered' | 'left' | null } {
  if (record.override !== 'auto') {
    const active = record.override === 'on';
    return { record: { ...record, active, enteredAt: active ? (record.enteredAt ?? now) : null, calmSince: null }, change: null };
  }
  const surge = rules.enabled && rates.windowRate >= surgeRate(rules, rates.baselineRate);
  if (!record.active) {
    return surge ? { record: { ...record, active: true, enteredAt: now, calmSince: null }, change: 'entered' } : { record, change: null };
  }
  if (surge) return { record: { ...record, calmSince: null }, change: null };
  const calmSince = record.calmSince ?? now;
  if (now.getTime() - calmSince.getTime() >= rules.cooldownMinutes * 60_000) {
    return { record: { ...record, active: false, enteredAt: null, calmSince: null }, change: 'left' };
  }
  return { record: { ...record, calmSince }, change: null };
}

/** What an operator's order makes of the record (the next evaluation keeps it while the override stands). */
export function forceAttackMode(record: AttackModeRecord, override: AttackModeOverride, now: Date): AttackModeRecord {
  if (override === 'auto') return { ...record, override };
  const active = override === 'on';
  return { active, override, enteredAt: active ? (record.active ? record.enteredAt : now) : null, calmSince: null };
}
