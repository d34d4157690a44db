import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilterValue, fillFilter } from '../../src/adapters/directory/ldap-escape.js';
import { firstRdn } from '../../src/adapters/directory/ldap-dn.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\u0000', '\\00'],
    // RFC 4515 section 4 examples.
    ['Parens R Us (for all your parenthetical needs)', 'Parens R Us \\28for all your parenthetical needs\\29'],
    ['C:\\MyFile', 'C:\\5cMyFile'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    // The literal text `\00` is a backslash and two zeros, not NUL.
    ['\\00', '\\5c00'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('leaves plain ASCII alone, including the characters that only matter in DNs', () => {
    expect(escapeFilterValue('alice.example@example.org')).toBe('alice.example@example.org');
    expect(escapeFilterValue('a,b+c=d;e"f<g>h#i j')).toBe('a,b+c=d;e"f<g>h#i j');
  });

  it('escapes control characters, DEL and every UTF-8 byte of non-ASCII characters', () => {
    expect(escapeFilterValue('a\nb\tc\u007f')).toBe('a\\0ab\\09c\\7f');
    expect(escapeFilterValue('é')).toBe('\\c3\\a9');
    expect(escapeFilterValue('Łukasz')).toBe('\\c5\\81ukasz');
    expect(escapeFilterValue('😀')).toBe('\\f0\\9f\\98\\80');
  });

  it('leaves no unescaped metacharacter in any output', () => {
    const nasty = ['*', '(', ')', '\\', '\u0000', '*)(|(objectClass=*)', '\\2a', 'x\\', '((((', '\u00e9*'];
    for (const value of nasty) {
      const escaped = escapeFilterValue(value);
      expect(escaped.replace(/\\[0-9a-f]{2}/g, '')).not.toMatch(/[*()\\\u0000]/);
    }
  });
});

describe('fillFilter', () => {
  it('puts the escaped value at every {value}', () => {
    expect(fillFilter('(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))', 'a*b')).toBe(
      '(&(objectClass=inetOrgPerson)(|(uid=a\\2ab)(mail=a\\2ab)))',
    );
  });

  it('takes the value literally: no replacement patterns, no second substitution', () => {
    expect(fillFilter('(uid={value})', '$&')).toBe('(uid=$&)');
    expect(fillFilter('(uid={value})', "$'$`")).toBe("(uid=$'$`)");
    expect(fillFilter('(uid={value})(cn={value})', '{value}')).toBe('(uid={value})(cn={value})');
  });
});

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['Sue, Grabbit and Runn', 'Sue\\, Grabbit and Runn'],
    ['a+b', 'a\\+b'],
    ['say "hi"', 'say \\"hi\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['<tag>', '\\<tag\\>'],
    ['semi;colon', 'semi\\;colon'],
    ['a=b', 'a\\=b'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['#hash', '\\#hash'],
    ['not#first', 'not#first'],
    ['in ner', 'in ner'],
    ['nul\u0000byte', 'nul\\00byte'],
    ['Łukasz', 'Łukasz'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });

  it('round-trips through a DN: the first RDN reads back as the original value', () => {
    for (const value of ['Sue, Grabbit and Runn', ' both ', '#x', 'a+b=c', 'x\\', 'trail ', '"q"', 'nul\u0000', 'Łukasz 😀', '  ']) {
      expect(firstRdn(`cn=${escapeDnValue(value)},ou=groups,dc=example,dc=org`)).toEqual({ attribute: 'cn', value });
    }
  });
});
