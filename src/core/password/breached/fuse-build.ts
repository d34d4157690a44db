import { fuseLayout, slotsOf, type FuseLayout } from './fuse-layout.js';

/** One partition's keys: 96 bits (w1, w2, w3) and an 8-bit fingerprint each, in parallel arrays. */
export interface PartitionKeys {
  count: number;
  w1: Uint32Array;
  w2: Uint32Array;
  w3: Uint32Array;
  fingerprint: Uint8Array;
}

/** Peeling fails with a small probability per try; 100 seeds in a row failing means duplicate keys. */
const MAX_TRIES = 100;

/**
 * Scratch arrays reused from one partition to the next, so a billion-key import allocates them once per size
 * class instead of once per partition (about 30 bytes per key while a partition is built).
 */
export class FuseBuilder {
  private t2count = new Uint8Array(0);
  private t2xor = new Uint32Array(0);
  private alone = new Uint32Array(0);
  private stack = new Uint32Array(0);
  private stackSlot = new Uint8Array(0);
  private slots = new Uint32Array(0);
  private readonly three = new Uint32Array(3);

  /**
   * Builds the fingerprints of one partition. Keys must be distinct (the importer drops repeated hashes).
   * Follows binary_fuse8_populate: count how many keys touch each slot, peel slots touched by one key, then
   * assign fingerprints in reverse peeling order so each key's three slots xor to its fingerprint.
   */
  build(keys: PartitionKeys): { layout: FuseLayout; fingerprints: Uint8Array } {
    const n = keys.count;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const layout = fuseLayout(n, attempt === 0 ? 0 : (Math.imul(attempt, 0x9e3779b9) ^ 0x5bd1e995) >>> 0);
      if (n === 0) return { layout, fingerprints: new Uint8Array(0) };
      const fingerprints = this.tryBuild(keys, layout);
      if (fingerprints) return { layout, fingerprints };
    }
    throw new Error(`fuse filter: could not place ${n} keys after ${MAX_TRIES} seeds (are there repeated keys?)`);
  }

  private ensure(n: number, m: number): void {
    if (this.t2count.length < m) {
      this.t2count = new Uint8Array(m);
      this.t2xor = new Uint32Array(m);
      this.alone = new Uint32Array(m);
    }
    if (this.stack.length < n) {
      this.stack = new Uint32Array(n);
      this.stackSlot = new Uint8Array(n);
      this.slots = new Uint32Array(n * 3);
    }
  }

  private tryBuild(keys: PartitionKeys, layout: FuseLayout): Uint8Array | null {
    const n = keys.count;
    const m = layout.arrayLength;
    this.ensure(n, m);
    const { t2count, t2xor, alone, stack, stackSlot, slots, three } = this;
    t2count.fill(0, 0, m);
    t2xor.fill(0, 0, m);

    // t2count: (keys touching the slot) << 2 | xor of which-of-three (0, 1, 2) each key is there;
    // t2xor: xor of the indexes of those keys, so a slot touched by one key names it.
    for (let i = 0; i < n; i++) {
      slotsOf(keys.w1[i]!, keys.w2[i]!, keys.w3[i]!, layout, three);
      for (let j = 0; j < 3; j++) {
        const s = three[j]!;
        slots[i * 3 + j] = s;
        if (t2count[s]! >= 252) return null; // 63 keys in one slot: the count would overflow; try another seed
        t2count[s] = (t2count[s]! + 4) ^ j;
        t2xor[s] = t2xor[s]! ^ i;
      }
    }

    let queued = 0;
    for (let s = 0; s < m; s++) {
      alone[queued] = s;
      queued += t2count[s]! >> 2 === 1 ? 1 : 0;
    }
    let peeled = 0;
    while (queued > 0) {
      const s = alone[--queued]!;
      if (t2count[s]! >> 2 !== 1) continue;
      const key = t2xor[s]!;
      const found = t2count[s]! & 3;
      stack[peeled] = key;
      stackSlot[peeled] = found;
      peeled++;
      for (let j = 0; j < 3; j++) {
        if (j === found) continue;
        const other = slots[key * 3 + j]!;
        if (t2count[other]! >> 2 === 2) alone[queued++] = other;
        t2count[other] = (t2count[other]! - 4) ^ j;
        t2xor[other] = t2xor[other]! ^ key;
      }
      t2count[s] = 0;
    }
    if (peeled !== n) return null;

    const fingerprints = new Uint8Array(m);
    for (let p = n - 1; p >= 0; p--) {
      const key = stack[p]!;
      const found = stackSlot[p]!;
      const s0 = slots[key * 3]!;
      const s1 = slots[key * 3 + 1]!;
      const s2 = slots[key * 3 + 2]!;
      const target = found === 0 ? s0 : found === 1 ? s1 : s2;
      fingerprints[target] = keys.fingerprint[key]! ^ fingerprints[s0]! ^ fingerprints[s1]! ^ fingerprints[s2]!;
    }
    return fingerprints;
  }
}

/** True when the key's three slots xor to its fingerprint (the membership test, on fingerprints in memory). */
export function fuseContains(fingerprints: Uint8Array, layout: FuseLayout, w1: number, w2: number, w3: number, fingerprint: number, scratch = new Uint32Array(3)): boolean {
  if (layout.keyCount === 0) return false;
  slotsOf(w1, w2, w3, layout, scratch);
  return (fingerprints[scratch[0]!]! ^ fingerprints[scratch[1]!]! ^ fingerprints[scratch[2]!]!) === fingerprint;
}
