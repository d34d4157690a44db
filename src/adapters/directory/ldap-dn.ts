/**
 * The little DN reading the adapter needs (RFC 4514): the first RDN of a group DN, for its name, and
 * whether a DN lies under a base DN. Not a full DN parser: multi-valued RDNs give their first value.
 */

/** The attribute and (unescaped) value of a DN's first RDN, or null when it is not `attr=value`. */
export function firstRdn(dn: string): { attribute: string; value: string } | null {
  const eq = dn.indexOf('=');
  if (eq <= 0) return null;
  const attribute = dn.slice(0, eq).trim();
  const bytes: number[] = [];
  // Bytes up to here came from escapes; only unescaped spaces after them may be trimmed.
  let escapedUpTo = 0;
  let i = eq + 1;
  while (i < dn.length && dn[i] === ' ') i++;
  for (; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === ',' || ch === '+') break;
    if (ch === '\\') {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else if (i + 1 < dn.length) {
        bytes.push(...Buffer.from(dn[i + 1]!, 'utf8'));
        i += 1;
      }
      escapedUpTo = bytes.length;
      continue;
    }
    // Whole code points: a character outside the BMP is two UTF-16 units, never to be encoded separately.
    const char = String.fromCodePoint(dn.codePointAt(i)!);
    bytes.push(...Buffer.from(char, 'utf8'));
    i += char.length - 1;
  }
  // Unescaped trailing spaces are not part of the value (RFC 4514 requires a trailing space to be escaped).
  while (bytes.length > escapedUpTo && bytes.at(-1) === 0x20) bytes.pop();
  return { attribute, value: Buffer.from(bytes).toString('utf8') };
}

/**
 * Whether `dn` is `base` or lies beneath it. Compared case-insensitively with spaces around separators
 * dropped: good enough to keep a stored id from pointing outside the configured subtree, which is all it
 * is used for.
 */
export function isWithin(dn: string, base: string): boolean {
  const a = canonical(dn);
  const b = canonical(base);
  if (a === b) return true;
  if (!a.endsWith(`,${b}`)) return false;
  // `cn=x\,dc=example,dc=org` is one RDN value "x,dc=example" under dc=org: the comma must not be escaped.
  let backslashes = 0;
  for (let i = a.length - b.length - 2; i >= 0 && a[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function canonical(dn: string): string {
  return dn.toLowerCase().replace(/\s*([,=+])\s*/g, '$1').trim();
}
