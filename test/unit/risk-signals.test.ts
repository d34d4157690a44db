import { hourIn } from '../../src/core/time-zone.js';
import { describe, expect, it } from 'vitest';
import {
  attackModeSignal, countrySignal, deviceSignal, distanceKm, failedProofsSignal, hourSignal, reputationSignals, travelSignal, velocitySignal,
} from '../../src/core/risk/risk-signals.js';
import { riskSettings } from '../helpers/risk-settings.js';

const s = riskSettings();

describe('velocity signals', () => {
  it('adds nothing up to the threshold, the weight above it, twice the weight from three times it', () => {
    expect(velocitySignal('ip_velocity', 10, s)).toBeNull();
    expect(velocitySignal('ip_velocity', 11, s)).toEqual({ reason: 'ip_velocity', points: 25, detail: { count: 11, threshold: 10 } });
    expect(velocitySignal('ip_velocity', 30, s)?.points).toBe(50);
  });

  it('uses each signal its own threshold and weight', () => {
    expect(velocitySignal('subnet_velocity', 31, s)).toMatchObject({ reason: 'subnet_velocity', points: 15 });
    expect(velocitySignal('account_velocity', 5, s)).toBeNull();
    expect(velocitySignal('account_velocity', 6, s)).toMatchObject({ reason: 'account_velocity', points: 20 });
    expect(velocitySignal('tenant_velocity', 1001, s)).toMatchObject({ reason: 'tenant_velocity', points: 10 });
  });
});

describe('failed proofs', () => {
  it('counts from the threshold on', () => {
    expect(failedProofsSignal(2, s)).toBeNull();
    expect(failedProofsSignal(3, s)).toEqual({ reason: 'failed_proofs', points: 25, detail: { count: 3 } });
  });
});

describe('device', () => {
  it('adds points for a new device only when the account has known ones', () => {
    expect(deviceSignal(false, 0, s)).toBeNull();
    expect(deviceSignal(true, 2, s)).toBeNull();
    expect(deviceSignal(false, 2, s)).toEqual({ reason: 'new_device', points: 15, detail: { knownDevices: 2 } });
  });
});

describe('reputation', () => {
  it('gives each list it is on its own points and name', () => {
    expect(reputationSignals([])).toEqual([]);
    expect(reputationSignals([{ name: 'tor', points: 40 }, { name: 'vpn', points: 10 }])).toEqual([
      { reason: 'ip_reputation', points: 40, detail: { list: 'tor' } },
      { reason: 'ip_reputation', points: 10, detail: { list: 'vpn' } },
    ]);
  });
});

describe('country', () => {
  it('adds points for a risky country and for one outside an allow list; nothing for unknown places', () => {
    const risky = riskSettings({ riskyCountries: ['KP'] });
    expect(countrySignal({ country: 'kp' }, risky)).toEqual({ reason: 'country', points: 30, detail: { country: 'KP', list: 'risky' } });
    expect(countrySignal({ country: 'DE' }, risky)).toBeNull();
    expect(countrySignal(null, risky)).toBeNull();
    const allow = riskSettings({ allowedCountries: ['DE', 'FR'] });
    expect(countrySignal({ country: 'FR' }, allow)).toBeNull();
    expect(countrySignal({ country: 'US' }, allow)).toMatchObject({ detail: { country: 'US', list: 'not_allowed' } });
  });
});

describe('impossible travel', () => {
  const berlin = { lat: 52.52, lon: 13.405 };
  const newYork = { lat: 40.7128, lon: -74.006 };
  const now = new Date('2026-01-01T12:00:00Z');

  it('measures great-circle distances', () => {
    expect(Math.round(distanceKm(berlin.lat, berlin.lon, newYork.lat, newYork.lon))).toBeGreaterThan(6300);
    expect(Math.round(distanceKm(berlin.lat, berlin.lon, newYork.lat, newYork.lon))).toBeLessThan(6450);
  });

  it('adds points when the speed from the last success is above the limit', () => {
    const last = { at: new Date(now.getTime() - 2 * 3_600_000), ...berlin, country: 'DE' };
    const signal = travelSignal(last, { country: 'US', ...newYork }, now, s);
    expect(signal).toMatchObject({ reason: 'impossible_travel', points: 40, detail: { from: 'DE', to: 'US' } });
    expect(Number(signal?.detail?.kmh)).toBeGreaterThan(3000);
  });

  it('adds nothing when there was time enough, for short distances, or without places', () => {
    const dayAgo = { at: new Date(now.getTime() - 24 * 3_600_000), ...berlin, country: 'DE' };
    expect(travelSignal(dayAgo, { country: 'US', ...newYork }, now, s)).toBeNull();
    const minuteAgo = { at: new Date(now.getTime() - 60_000), ...berlin, country: 'DE' };
    expect(travelSignal(minuteAgo, { lat: 52.4, lon: 13.1 }, now, s)).toBeNull();
    expect(travelSignal(null, newYork, now, s)).toBeNull();
    expect(travelSignal({ ...minuteAgo, lat: null, lon: null }, newYork, now, s)).toBeNull();
    expect(travelSignal(minuteAgo, { country: 'US' }, now, s)).toBeNull();
  });
});

describe('time of day', () => {
  const hours = (used: number[]) => Array.from({ length: 24 }, (_, h) => (used.includes(h) ? 2 : 0));

  it('adds points for an hour never used once the account has five successes', () => {
    expect(hourSignal(hours([9, 10, 14]), 3, s)).toEqual({ reason: 'unusual_hour', points: 10, detail: { hour: 3 } });
    expect(hourSignal(hours([9, 10, 14]), 10, s)).toBeNull();
  });

  it('adds nothing with too little history', () => {
    expect(hourSignal(hours([9, 10]), 3, s)).toBeNull();
  });

  it('reads the hour in the tenant zone', () => {
    const when = new Date('2026-07-01T22:30:00Z');
    expect(hourIn(when, 'UTC')).toBe(22);
    expect(hourIn(when, 'Europe/Berlin')).toBe(0);
    expect(hourIn(when, 'America/New_York')).toBe(18);
    expect(hourIn(when, undefined)).toBe(22);
    // The zone's formatter is kept: another moment in the same zone reads its own hour (winter time here).
    expect(hourIn(new Date('2026-01-15T06:10:00Z'), 'Europe/Berlin')).toBe(7);
    expect(hourIn(when, 'Not/A_Zone')).toBe(22);
    expect(hourIn(new Date('2026-01-15T06:10:00Z'), 'Not/A_Zone')).toBe(6);
  });
});

describe('attack mode', () => {
  it('adds its weight while the tenant is under attack', () => {
    expect(attackModeSignal(false, s)).toBeNull();
    expect(attackModeSignal(true, s)).toEqual({ reason: 'attack_mode', points: 40 });
  });
});
