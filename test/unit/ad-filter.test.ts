import { BerWriter, FilterParser, type Filter } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { nestedGroupsFilter, objectGuidFilter, parseFilter, personFilter } from '../../src/adapters/directory/ad-filter.js';

/** The filter as it goes over the wire (BER). */
function wire(filter: Filter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}
const hex = (text: string) => Buffer.from(text, 'utf8');

describe('AD search filters, checked as the bytes sent to the DC', () => {
  it("why the module exists: ldapts' own parser sends an escaped byte ≥ 0x80 as two bytes", () => {
    const naive = wire(FilterParser.parseString('(cn=\\c3\\a9)'));
    expect(naive.includes(Buffer.from([0xc3, 0x83, 0xc2, 0xa9]))).toBe(true);
  });

  it('sends a non-ASCII identifier as its UTF-8 bytes, once', () => {
    const bytes = wire(personFilter('(sAMAccountName={value})', 'zoë'));
    expect(bytes.includes(hex('zoë'))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0x83]))).toBe(false);
  });

  it('always ANDs the template with objectCategory=person and objectClass=user', () => {
    expect(personFilter('(mail={value})', 'a@b').toString()).toBe('(&(objectCategory=person)(objectClass=user)(mail=a@b))');
  });

  it('filter metacharacters in the identifier stay values: no wildcard, no extra clause', () => {
    const filter = personFilter('(|(sAMAccountName={value})(mail={value}))', '*)(sAMAccountName=*');
    expect(filter.toString()).toBe('(&(objectCategory=person)(objectClass=user)(|(sAMAccountName=\\2a\\29\\28sAMAccountName=\\2a)(mail=\\2a\\29\\28sAMAccountName=\\2a)))');
    expect(wire(filter).includes(hex('*)(sAMAccountName=*'))).toBe(true);
    // Equality filters, not a presence or substring filter (tag 0x87 / 0xa4).
    expect(wire(personFilter('(sAMAccountName={value})', '*')).includes(Buffer.from([0x87]))).toBe(false);
  });

  it('a NUL and a backslash arrive as those single bytes', () => {
    const bytes = wire(personFilter('(sAMAccountName={value})', 'a\u0000b\\c'));
    expect(bytes.includes(Buffer.from('a\u0000b\\c', 'utf8'))).toBe(true);
  });

  it('matches objectGUID on the raw 16 bytes, high bytes included', () => {
    const raw = Buffer.from('2fec9585890ca24db79c56321e51bc70', 'hex');
    const bytes = wire(objectGuidFilter(raw));
    expect(bytes.includes(Buffer.concat([Buffer.from([0x04, 0x10]), raw]))).toBe(true);
    expect(objectGuidFilter(raw).toString()).toContain('(objectGUID=\\2f\\ec\\95\\85');
  });

  it('puts a DN with non-ASCII, parentheses and an escaped comma into the in-chain filter as its exact bytes', () => {
    const dn = 'CN=Zoë (Ops),OU=Ops (EU)\\, Nordics,DC=example,DC=test';
    const filter = nestedGroupsFilter(dn);
    expect(filter.toString()).toContain('member:1.2.840.113556.1.4.1941:=');
    expect(wire(filter).includes(hex(dn))).toBe(true);
  });

  it('hand-written non-ASCII in a template is sent as UTF-8 too', () => {
    expect(wire(parseFilter('(department=Straße)')).includes(hex('Straße'))).toBe(true);
  });

  it('substring and ordering filters in a template keep their bytes as well', () => {
    expect(wire(parseFilter('(cn=Zo\\c3\\ab*)')).includes(hex('Zoë'))).toBe(true);
    expect(wire(parseFilter('(cn>=\\c3\\a9)')).includes(hex('é'))).toBe(true);
  });

  it('a malformed template is an error, not a filter that matches something else', () => {
    expect(() => personFilter('(sAMAccountName={value}', 'x')).toThrow();
    expect(() => parseFilter('(cn=\\zz)')).toThrow();
  });
});

describe('parseFilter refuses what ldapts would quietly half-read', () => {
  it.each(['(cn=a', '(cn=a))', '(cn=a)(cn=b)', 'cn=a', '(&(cn=a)(cn=b)', ''])('%j', (text) => {
    expect(() => parseFilter(text)).toThrow(/balanced/);
  });
});
