/**
 * The shape of one binary fuse filter partition (Graf & Lemire, "Binary Fuse Filters: Fast and Smaller Than
 * Xor Filters", 2022), 3-wise with 8-bit fingerprints: about 1.13 bytes per key for a million keys and a
 * false-positive rate of 1/256. Pure arithmetic shared by the builder and the reader, so both place a key
 * in the same three slots.
 *
 * Keys are not hashed again: SHA-1 and NT hashes are already uniform, so their bits are used as they come
 * (see `hash-words.ts`). Only the three slot positions mix in a per-partition seed, which lets the builder
 * retry a partition whose peeling fails (rare).
 */

/** What the reader needs to find a key's three slots in one partition (stored in the partition index). */
export interface FuseLayout {
  /** Keys in the partition (0 for an empty one). */
  keyCount: number;
  /** Power of two, at most 2^18; the three slots of a key lie in three consecutive segments. */
  segmentLength: number;
  /** segmentCount × segmentLength: the range of a key's first slot. */
  segmentCountLength: number;
  /** Fingerprint bytes in the partition: (segmentCount + 2) × segmentLength. */
  arrayLength: number;
  /** Mixed into the slot positions; the builder changes it when peeling fails. */
  seed: number;
}

const MAX_SEGMENT_LENGTH = 262_144;

/** The sizes the reference implementation chooses for `keyCount` keys (binary_fuse8_allocate, arity 3). */
export function fuseLayout(keyCount: number, seed = 0): FuseLayout {
  if (!Number.isInteger(keyCount) || keyCount < 0 || keyCount > 0xffff_ffff) throw new RangeError(`fuse filter: bad key count ${keyCount}`);
  if (keyCount === 0) return { keyCount: 0, segmentLength: 0, segmentCountLength: 0, arrayLength: 0, seed: 0 };
  const segmentLength = Math.min(MAX_SEGMENT_LENGTH, 2 ** Math.floor(Math.log(keyCount) / Math.log(3.33) + 2.25));
  const sizeFactor = keyCount <= 1 ? 0 : Math.max(1.125, 0.875 + (0.25 * Math.log(1_000_000)) / Math.log(keyCount));
  const capacity = keyCount <= 1 ? 0 : Math.round(keyCount * sizeFactor);
  const initSegmentCount = Math.max(0, Math.floor((capacity + segmentLength - 1) / segmentLength) - 2);
  let segmentCount = Math.ceil(((initSegmentCount + 2) * segmentLength) / segmentLength);
  segmentCount = segmentCount <= 2 ? 1 : segmentCount - 2;
  return { keyCount, segmentLength, segmentCountLength: segmentCount * segmentLength, arrayLength: (segmentCount + 2) * segmentLength, seed: seed >>> 0 };
}

/** A 32-bit finaliser (murmur3-like): every input bit moves every output bit. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** floor(a × b / 2^32) for 32-bit unsigned a, b, exact (a plain double product would round above 2^53). */
export function mulHigh32(a: number, b: number): number {
  const high = (a >>> 16) * b;
  const low = (a & 0xffff) * b;
  return Math.floor((high + Math.floor(low / 65_536)) / 65_536);
}

/**
 * The three slots of a key (words w1, w2, w3: 96 bits of the hash), written into `out[0..2]`. The first lies
 * in [0, segmentCountLength), the second one segment later, the third two segments later (each xored within its
 * segment), as binary_fuse8_hash_batch does.
 */
export function slotsOf(w1: number, w2: number, w3: number, layout: FuseLayout, out: Uint32Array): void {
  const seed = layout.seed;
  const a = mix32(w1 ^ mix32(w2 ^ seed));
  const b = mix32(w2 ^ mix32(w3 ^ seed ^ 0x9e3779b9));
  const c = mix32(w3 ^ mix32(w1 ^ seed ^ 0x7f4a7c15));
  const mask = layout.segmentLength - 1;
  const h0 = mulHigh32(a, layout.segmentCountLength);
  out[0] = h0;
  out[1] = (h0 + layout.segmentLength) ^ (b & mask);
  out[2] = (h0 + 2 * layout.segmentLength) ^ (c & mask);
}
