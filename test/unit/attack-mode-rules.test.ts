import { describe, expect, it } from 'vitest';
import { forceAttackMode, nextAttackMode, QUIET, surgeRate, type AttackModeRecord } from '../../src/core/risk/attack-mode-rules.js';

const rules = { enabled: true, threshold: 4, minStartsPerMinute: 20, cooldownMinutes: 10 };
const t0 = new Date('2026-12-07T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('attack mode rules', () => {
  it('the surge rate is the threshold times the baseline, never below the floor', () => {
    expect(surgeRate(rules, 2)).toBe(20);
    expect(surgeRate(rules, 10)).toBe(40);
  });

  it('enters on a surge, stays while it lasts, leaves only after the cool-down without one', () => {
    const entered = nextAttackMode(QUIET, { windowRate: 45, baselineRate: 10 }, rules, t0);
    expect(entered.change).toBe('entered');
    expect(entered.record).toMatchObject({ active: true, enteredAt: t0 });
    const calm = nextAttackMode(entered.record, { windowRate: 5, baselineRate: 10 }, rules, at(1));
    expect(calm).toMatchObject({ change: null, record: { active: true, calmSince: at(1) } });
    const again = nextAttackMode(calm.record, { windowRate: 50, baselineRate: 10 }, rules, at(5));
    expect(again).toMatchObject({ change: null, record: { active: true, calmSince: null } });
    const calm2 = nextAttackMode(again.record, { windowRate: 5, baselineRate: 10 }, rules, at(6));
    expect(nextAttackMode(calm2.record, { windowRate: 5, baselineRate: 10 }, rules, at(15)).change).toBeNull();
    const left = nextAttackMode(calm2.record, { windowRate: 5, baselineRate: 10 }, rules, at(16));
    expect(left).toMatchObject({ change: 'left', record: { active: false, enteredAt: null } });
  });

  it('stays off below the surge rate or when disabled', () => {
    expect(nextAttackMode(QUIET, { windowRate: 39, baselineRate: 10 }, rules, t0).change).toBeNull();
    expect(nextAttackMode(QUIET, { windowRate: 19, baselineRate: 0 }, rules, t0).change).toBeNull();
    expect(nextAttackMode(QUIET, { windowRate: 1000, baselineRate: 0 }, { ...rules, enabled: false }, t0).change).toBeNull();
  });

  it('an operator\'s override decides alone until handed back', () => {
    const on = forceAttackMode(QUIET, 'on', t0);
    expect(on).toMatchObject({ active: true, override: 'on', enteredAt: t0 });
    expect(nextAttackMode(on, { windowRate: 0, baselineRate: 0 }, rules, at(60)).record.active).toBe(true);
    const off: AttackModeRecord = forceAttackMode(on, 'off', at(1));
    expect(nextAttackMode(off, { windowRate: 1000, baselineRate: 0 }, rules, at(2)).record.active).toBe(false);
    const auto = forceAttackMode(off, 'auto', at(3));
    expect(nextAttackMode(auto, { windowRate: 1000, baselineRate: 0 }, rules, at(4)).change).toBe('entered');
  });
});
