import { describe, expect, it } from 'vitest';
import { CALLING_CODE_PREFIXES, callingCodePrefix } from '../../src/core/sms/calling-codes.js';
import { isE164 } from '../../src/core/sms/e164.js';

describe('callingCodePrefix (rate limiting only)', () => {
  it.each([
    ['+14155550100', '1'], // United States
    ['+16135550100', '1'], // Canada
    ['+74951234567', '7'], // Russia
    ['+77011234567', '7'], // Kazakhstan shares zone 7
    ['+201001234567', '20'], // Egypt
    ['+27821234567', '27'], // South Africa
    ['+306912345678', '30'], // Greece
    ['+447700900123', '44'], // United Kingdom
    ['+4915123456789', '49'], // Germany
    ['+5511912345678', '55'], // Brazil
    ['+61412345678', '61'], // Australia
    ['+819012345678', '81'], // Japan
    ['+8613812345678', '86'], // China
    ['+919812345678', '91'], // India
    ['+989121234567', '98'], // Iran
    ['+212612345678', '212'], // Morocco
    ['+2348031234567', '234'], // Nigeria
    ['+254712345678', '254'], // Kenya
    ['+351912345678', '351'], // Portugal, not "35"
    ['+35012345678', '350'], // Gibraltar
    ['+359881234567', '359'], // Bulgaria
    ['+37061234567', '370'], // Lithuania
    ['+380501234567', '380'], // Ukraine
    ['+38761234567', '387'], // Bosnia
    ['+420601123456', '420'], // Czechia
    ['+421901123456', '421'], // Slovakia
    ['+85291234567', '852'], // Hong Kong
    ['+8801712345678', '880'], // Bangladesh
    ['+886912345678', '886'], // Taiwan
    ['+9607712345', '960'], // Maldives
    ['+971501234567', '971'], // UAE
    ['+998901234567', '998'], // Uzbekistan
    ['+882161234567', '882'], // international networks: a classic pumping range, its own counter
    ['+18765550100', '1876'], // Jamaica: NANP, but billed as international
    ['+12425550100', '1242'], // Bahamas
    ['+18095550100', '1809'], // Dominican Republic
  ])('%s → %s', (number, prefix) => {
    expect(callingCodePrefix(number)).toBe(prefix);
  });

  it('takes the longest match', () => {
    expect(CALLING_CODE_PREFIXES.has('1')).toBe(true);
    expect(CALLING_CODE_PREFIXES.has('1876')).toBe(true);
    expect(callingCodePrefix('+18765550100')).toBe('1876');
    expect(callingCodePrefix('+18775550100')).toBe('1'); // 877: US toll-free, stays in zone 1
  });

  it('has no prefix for unassigned codes (the sender counts those under one shared key)', () => {
    expect(callingCodePrefix('+28012345678')).toBeUndefined();
    expect(callingCodePrefix('+96912345678')).toBeUndefined();
  });

  it('lists no two-digit entry that is really a three-digit zone', () => {
    for (const zone of ['35', '37', '38', '42', '50', '59', '67', '68', '85', '87', '88', '96', '97', '99']) {
      expect(CALLING_CODE_PREFIXES.has(zone)).toBe(false);
    }
  });

  it('is prefix-free apart from the NANP area codes', () => {
    for (const a of CALLING_CODE_PREFIXES) {
      for (const b of CALLING_CODE_PREFIXES) {
        if (a !== b && b.startsWith(a)) expect([a, b.length]).toEqual(['1', 4]);
      }
    }
  });
});

describe('isE164', () => {
  it.each(['+14155550100', '+447700900123', '+12345678', '+123456789012345'])('accepts %s', (n) => {
    expect(isE164(n)).toBe(true);
  });

  it.each([
    ['no plus', '14155550100'],
    ['too short (7 digits)', '+1234567'],
    ['too long (16 digits)', '+1234567890123456'],
    ['leading zero', '+0441234567'],
    ['spaces', '+44 7700 900123'],
    ['dashes', '+1-415-555-0100'],
    ['trailing newline', '+14155550100\n'],
    ['letters', '+1415555CALL'],
    ['fullwidth digits', '+１４１５５５５０１００'],
    ['empty', ''],
  ])('refuses %s', (_label, n) => {
    expect(isE164(n)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isE164(14155550100)).toBe(false);
    expect(isE164(['+14155550100'])).toBe(false);
    expect(isE164(undefined)).toBe(false);
  });
});
