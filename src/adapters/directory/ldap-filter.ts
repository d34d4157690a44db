import {
  AndFilter,
  ApproximateFilter,
  EqualityFilter,
  ExtensibleFilter,
  FilterParser,
  GreaterThanEqualsFilter,
  LessThanEqualsFilter,
  NotFilter,
  OrFilter,
  SubstringFilter,
  type Filter,
} from 'ldapts';

/**
 * Search filter strings (RFC 4515) turned into ldapts filter objects that carry the bytes the string meant,
 * for the OpenLDAP and the Active Directory adapters alike.
 *
 * Why not hand ldapts the filter string: its parser turns each `\xx` escape into the character U+00xx and
 * then sends the string as UTF-8, so an escaped byte ≥ 0x80 goes out as two bytes. `escapeFilterValue`
 * escapes non-ASCII text byte by byte (`ü` → `\c3\bc`), which ldapts would send as `Ã¼`: a person called
 * `jürgen` would never be found, and a binary value (AD's objectGUID) could not be searched at all.
 * {@link parseFilter} parses with ldapts, then restores the bytes.
 */

/**
 * Parses an RFC 4515 filter string into ldapts filter objects whose values are the bytes the string meant.
 * Throws on a malformed filter (a broken `userFilter` template is a configuration error).
 */
export function parseFilter(text: string): Filter {
  // Non-ASCII text written into a template by hand becomes escapes too, so after parsing every character
  // of every value stands for exactly one byte.
  assertOneBalancedFilter(text);
  const filter = FilterParser.parseString(escapeNonAscii(text));
  restoreBytes(filter);
  return filter;
}

/**
 * ldapts' parser forgives a missing `)` and ignores what follows the first complete filter, so a broken
 * template would quietly search for something else. Escaped values contain no parentheses (`\28`, `\29`),
 * so every parenthesis here is syntax: they must balance and enclose exactly one filter.
 */
function assertOneBalancedFilter(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth < 0 || (depth === 0 && i < text.length - 1)) throw new Error(`not one balanced LDAP filter: ${text}`);
  }
  if (depth !== 0 || !text.startsWith('(')) throw new Error(`not one balanced LDAP filter: ${text}`);
}

function escapeNonAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    out += ch.charCodeAt(0) < 0x80 ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  }
  return out;
}

/** A value whose characters are bytes (U+0000–U+00FF), as the UTF-8 text ldapts will encode back to those bytes. */
function asText(byteString: string): string {
  const bytes = Buffer.from(byteString, 'latin1');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new Error('filter value is not valid UTF-8; only an equality match can carry raw bytes');
  }
  return text;
}

function restoreBytes(filter: Filter): void {
  if (filter instanceof AndFilter || filter instanceof OrFilter) {
    filter.filters.forEach(restoreBytes);
  } else if (filter instanceof NotFilter) {
    restoreBytes(filter.filter);
  } else if (filter instanceof EqualityFilter) {
    if (typeof filter.value === 'string') {
      const bytes = Buffer.from(filter.value, 'latin1');
      const text = bytes.toString('utf8');
      // Equality can carry raw bytes (an escaped binary value); everything else must be text.
      filter.value = Buffer.from(text, 'utf8').equals(bytes) ? text : bytes;
    }
  } else if (
    filter instanceof ApproximateFilter ||
    filter instanceof GreaterThanEqualsFilter ||
    filter instanceof LessThanEqualsFilter ||
    filter instanceof ExtensibleFilter
  ) {
    filter.value = asText(filter.value);
  } else if (filter instanceof SubstringFilter) {
    filter.initial = asText(filter.initial);
    filter.final = asText(filter.final);
    filter.any = filter.any.map(asText);
  }
}
