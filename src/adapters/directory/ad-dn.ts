/**
 * Reading one value out of a distinguished name (RFC 4514), for group names: AD returns `memberOf` as
 * full DNs such as `CN=Sales \2C EU,OU=Groups,DC=example,DC=com`, and people know the group as `Sales , EU`.
 */

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/**
 * The unescaped value of the first RDN of `dn` (its first attribute, if the RDN is multi-valued).
 * Null when the DN is malformed or the value is in the `#hex` BER form, which no group name uses.
 */
export function firstRdnValue(dn: string): string | null {
  const equals = dn.indexOf('=');
  if (equals <= 0) return null;
  let i = equals + 1;
  if (dn[i] === '#') return null;
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  while (i < dn.length) {
    const ch = dn[i]!;
    if (ch === ',' || ch === '+' || ch === ';') break;
    if (ch !== '\\') {
      // Whole code points, so a character outside the BMP is not split into halves.
      const cp = dn.codePointAt(i)!;
      pushText(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const pair = dn.slice(i + 1, i + 3);
    if (HEX_PAIR.test(pair)) {
      // `\c3\a9` is one UTF-8 character split over two escapes: collect bytes, decode at the end.
      bytes.push(Number.parseInt(pair, 16));
      i += 3;
    } else if (i + 1 < dn.length) {
      pushText(dn[i + 1]!);
      i += 2;
    } else {
      return null;
    }
  }
  // No trimming: AD escapes a leading or trailing space (`\ `), so every space here belongs to the value.
  return Buffer.from(bytes).toString('utf8');
}
