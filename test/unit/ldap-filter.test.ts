import { FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { fillFilter } from '../../src/adapters/directory/ldap-escape.js';
import { parseFilter } from '../../src/adapters/directory/ldap-filter.js';
import { DEFAULT_USER_FILTER } from '../../src/adapters/directory/ldap-options.js';
import { utf8, wire } from '../helpers/filter-wire.js';

describe('parseFilter: filter strings sent as the bytes they mean (OpenLDAP and AD adapters)', () => {
  it("why the module exists: ldapts' own parser sends an escaped byte ≥ 0x80 as two bytes", () => {
    const naive = wire(FilterParser.parseString('(cn=\\c3\\a9)'));
    expect(naive.includes(Buffer.from([0xc3, 0x83, 0xc2, 0xa9]))).toBe(true);
  });

  it("the OpenLDAP adapter's default userFilter with a non-ASCII identifier carries its UTF-8 bytes, once", () => {
    const bytes = wire(parseFilter(fillFilter(DEFAULT_USER_FILTER, 'jürgen')));
    expect(bytes.includes(utf8('jürgen'))).toBe(true);
    // Ã (U+00C3) as UTF-8: what ldapts alone would have sent for the first byte of ü.
    expect(bytes.includes(Buffer.from([0xc3, 0x83]))).toBe(false);
  });

  it('hand-written non-ASCII in a template is sent as UTF-8 too', () => {
    expect(wire(parseFilter('(department=Straße)')).includes(utf8('Straße'))).toBe(true);
  });

  it('substring and ordering filters in a template keep their bytes as well', () => {
    expect(wire(parseFilter('(cn=Zo\\c3\\ab*)')).includes(utf8('Zoë'))).toBe(true);
    expect(wire(parseFilter('(cn>=\\c3\\a9)')).includes(utf8('é'))).toBe(true);
  });

  it('a bad escape is an error', () => {
    expect(() => parseFilter('(cn=\\zz)')).toThrow();
  });
});

describe('parseFilter refuses what ldapts would quietly half-read', () => {
  it.each(['(cn=a', '(cn=a))', '(cn=a)(cn=b)', 'cn=a', '(&(cn=a)(cn=b)', ''])('%j', (text) => {
    expect(() => parseFilter(text)).toThrow(/balanced/);
  });
});
