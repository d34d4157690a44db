/**
 * The value Active Directory takes in `unicodePwd`: the password wrapped in double quotes, encoded as
 * UTF-16LE (MS-ADTS 3.1.1.3.1.5.2). AD refuses the attribute unless the connection is encrypted, and it
 * never returns it on a read.
 */

/** A password that cannot be written as UTF-16 the way it was checked. */
export class UnencodablePasswordError extends Error {
  constructor() {
    super('password contains a lone surrogate and cannot be encoded as UTF-16LE');
    this.name = 'UnencodablePasswordError';
  }
}

// In a `u` regex a valid surrogate pair is one code point, so \p{Cs} matches only the lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * `"password"` as UTF-16LE bytes, ready for a `unicodePwd` add, delete or replace.
 *
 * Quotes inside the password need no escaping: AD strips exactly the first and last character.
 * A lone surrogate is refused rather than written: Node would encode it as a raw code unit, so AD would
 * store a password no keyboard can type and no other client can encode the same way.
 */
export function encodeUnicodePwd(password: string): Buffer {
  if (LONE_SURROGATE.test(password)) throw new UnencodablePasswordError();
  return Buffer.from(`"${password}"`, 'utf16le');
}

/**
 * The old password of a change as `unicodePwd`; null when it cannot be one (empty, or not encodable), and
 * so cannot be the right one either.
 */
export function encodeOldUnicodePwd(password: string): Buffer | null {
  if (password === '' || LONE_SURROGATE.test(password)) return null;
  return encodeUnicodePwd(password);
}
