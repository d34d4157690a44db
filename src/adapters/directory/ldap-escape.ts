/**
 * Escaping for values put into LDAP search filters (RFC 4515) and distinguished names (RFC 4514).
 * Every value that comes from a person (an identifier typed on the reset page) goes through these before it
 * touches a filter or a DN: `*`, `(`, `)`, `\` and NUL would otherwise change what the search means.
 */

/**
 * A value as an RFC 4515 assertion value: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`.
 * Non-ASCII characters are escaped byte by byte in UTF-8 too, so no server's own decoding can surprise us.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const isSafeAscii = byte >= 0x20 && byte < 0x7f && byte !== 0x2a && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c;
    out += isSafeAscii ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * Fills a filter template's `{value}` placeholders with an escaped value, e.g.
 * `(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))`.
 */
export function fillFilter(template: string, value: string): string {
  const escaped = escapeFilterValue(value);
  return template.replaceAll('{value}', () => escaped);
}

/**
 * A value as one RDN attribute value (RFC 4514 §2.4): `"`, `+`, `,`, `;`, `<`, `>`, `\` are escaped with a
 * backslash; a leading space or `#` and a trailing space too; NUL as `\00`.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = Array.from(value);
  chars.forEach((ch, i) => {
    if (ch === '\0') out += '\\00';
    else if ('"+,;<>\\='.includes(ch)) out += `\\${ch}`;
    else if (i === 0 && (ch === ' ' || ch === '#')) out += `\\${ch}`;
    else if (i === chars.length - 1 && ch === ' ') out += '\\ ';
    else out += ch;
  });
  return out;
}
