import { describe, expect, it } from 'vitest';
import { clockTime, expiryText, isTimeZone } from '../../src/core/time-zone.js';

describe('clock times as people read them', () => {
  it('says the time in the zone and the language, again and again with the kept formats', () => {
    const winter = new Date('2026-01-15T13:05:40Z');
    const summer = new Date('2026-07-15T13:05:40Z');
    expect(clockTime(winter, 'en', 'Europe/Berlin')).toBe('14:05 GMT+1');
    expect(clockTime(summer, 'en', 'Europe/Berlin')).toBe('15:05 GMT+2');
    expect(clockTime(winter, 'de', 'Europe/Berlin')).toBe('14:05 MEZ');
    expect(clockTime(summer, 'de', 'Europe/Berlin')).toBe('15:05 MESZ');
    expect(clockTime(winter, 'en')).toBe('13:05 UTC');
  });

  it('falls back to English, then to UTC, for a language or zone the runtime does not know', () => {
    const when = new Date('2026-01-15T13:05:40Z');
    expect(clockTime(when, 'not a language', 'Europe/Berlin')).toBe('14:05 GMT+1');
    expect(clockTime(when, 'en', 'Not/A_Zone')).toBe('13:05 UTC');
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Not/A_Zone')).toBe(false);
  });

  it('counts whole minutes left, at least one', () => {
    const now = new Date('2026-01-15T13:00:00Z');
    expect(expiryText(new Date('2026-01-15T13:09:30Z'), 'en', 'UTC', now)).toEqual({ minutes: 10, time: '13:09 UTC', iso: '2026-01-15T13:09:00.000Z' });
    expect(expiryText(new Date('2026-01-15T12:59:00Z'), 'en', 'UTC', now).minutes).toBe(1);
  });
});
