import { randomInt } from 'node:crypto';
import { hashHandle } from '../../crypto/secrets.js';

/** Letters and digits a caller cannot confuse when read out: no 0/O, 1/I/L. 31 symbols, so 16 give ~79 bits. */
export const ACCESS_PASS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Symbols in a pass. */
export const ACCESS_PASS_LENGTH = 16;

/** A fresh pass from the CSPRNG, grouped `XXXX-XXXX-XXXX-XXXX` for reading out. */
export function newAccessPass(): string {
  let raw = '';
  for (let i = 0; i < ACCESS_PASS_LENGTH; i += 1) raw += ACCESS_PASS_ALPHABET[randomInt(0, ACCESS_PASS_ALPHABET.length)];
  return groupAccessPass(raw);
}

/** `ABCDEFGH…` as `ABCD-EFGH-…`. */
export function groupAccessPass(raw: string): string {
  return (raw.match(/.{1,4}/g) ?? []).join('-');
}

/**
 * What a person typed, as it is hashed: upper-cased, spaces and dashes removed. Returns null when the rest is
 * not a pass's shape (wrong length or a symbol outside the alphabet), so garbage is refused without a lookup.
 */
export function normaliseAccessPass(input: string): string | null {
  const cleaned = input.normalize('NFKC').toUpperCase().replace(/[\s-]+/g, '');
  if (cleaned.length !== ACCESS_PASS_LENGTH) return null;
  for (const ch of cleaned) if (!ACCESS_PASS_ALPHABET.includes(ch)) return null;
  return cleaned;
}

/**
 * The stored form: SHA-256 hex of the normalised pass. ~79 bits of entropy, single use, short-lived and
 * rate-limited where typed, so a plain hash (like a flow handle) is enough. Accepts a grouped or raw pass.
 */
export function hashAccessPass(pass: string): string {
  return hashHandle(normaliseAccessPass(pass) ?? pass);
}
