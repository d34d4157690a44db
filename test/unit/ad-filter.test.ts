import { describe, expect, it } from 'vitest';
import { nestedGroupsFilter, objectGuidFilter, personFilter } from '../../src/adapters/directory/ad-filter.js';
import { utf8 as hex, wire } from '../helpers/filter-wire.js';

/** The AD filters; parseFilter itself (shared with the OpenLDAP adapter) is in ldap-filter.test.ts. */
describe('AD search filters, checked as the bytes sent to the DC', () => {
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

  it('a malformed template is an error, not a filter that matches something else', () => {
    expect(() => personFilter('(sAMAccountName={value}', 'x')).toThrow();
  });
});
