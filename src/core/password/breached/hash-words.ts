import type { BreachedKind } from './filter-format.js';

/**
 * How a hash becomes a filter key. SHA-1 (20 bytes) and NT hashes (16 bytes) are uniform, so their bits are
 * used as they are, big-endian words of the first 16 bytes:
 * - w0 (bytes 0–3): the first P bits choose the partition (the list is sorted by hash, so partitions arrive in
 *   order); its last byte is the 8-bit fingerprint (P is at most 20, so the two never overlap);
 * - w1, w2, w3 (bytes 4–15): the 96 key bits that place the key in three slots of its partition.
 */
export interface HashWords {
  w0: number;
  w1: number;
  w2: number;
  w3: number;
}

/** Hex digits in one hash of the kind: SHA-1 has 40, NTLM (MD4) 32. */
export const HEX_DIGITS: Record<BreachedKind, number> = { sha1: 40, ntlm: 32 };

export function wordsOfDigest(digest: Uint8Array): HashWords {
  const v = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return { w0: v.getUint32(0), w1: v.getUint32(4), w2: v.getUint32(8), w3: v.getUint32(12) };
}

export function partitionOf(w0: number, partitionBits: number): number {
  return partitionBits === 0 ? 0 : w0 >>> (32 - partitionBits);
}

export function fingerprintOf(w0: number): number {
  return w0 & 0xff;
}

// 0–15 for '0'–'9', 'A'–'F', 'a'–'f'; 255 otherwise.
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

/**
 * Reads `count` hex digits at `bytes[start…]` into the word array `out` (8 digits a word, big-endian), from
 * word `firstWord` on. Returns false when a byte is not a hex digit. Works on raw bytes: the importer reads
 * 40 GB and must not build a string per line.
 */
export function parseHexWords(bytes: Uint8Array, start: number, count: number, out: Uint32Array, firstWord = 0): boolean {
  let word = 0;
  let w = firstWord;
  for (let i = 0; i < count; i++) {
    const value = HEX_VALUE[bytes[start + i]!]!;
    if (value === 255) return false;
    word = (word << 4) | value;
    if ((i & 7) === 7) {
      out[w++] = word >>> 0;
      word = 0;
    }
  }
  return true;
}

/** Hex digit values of a string (a range-file name), or null when it is not all hex. */
export function hexNibbles(text: string): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const value = HEX_VALUE[text.charCodeAt(i) & 0xff]!;
    if (value === 255 || text.charCodeAt(i) > 0xff) return null;
    out.push(value);
  }
  return out;
}
