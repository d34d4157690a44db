/**
 * A word → rank table in a few bytes per word: the words' characters in one string, and an open-addressing hash
 * table of word indexes in typed arrays. zxcvbn's own ranked dictionaries are plain objects with one
 * property per word; for its 236,000 English and common words they held 28 MB of a node's heap (dictionary-mode
 * backing stores plus a string per word), this holds ~5 MB.
 *
 * Ranks follow zxcvbn's `buildRankedDictionary`: the n-th word of the list has rank n (from 1), and a word listed
 * twice keeps the rank of its last listing.
 */
export class CompactRankedDictionary {
  /** Length of the longest word, which zxcvbn uses to bound its substring search. */
  readonly maxWordLength: number;
  /** Distinct words. */
  readonly size: number;
  /** Every listed word's characters, in list order. */
  private readonly chars: string;
  /** Where the n-th listed word starts in `chars` (one more entry: the end of the last word). */
  private readonly offsets: Int32Array;
  /** Hash slot → index of the word's last listing (its rank − 1), or −1 for an empty slot. */
  private readonly slots: Int32Array;

  private constructor(chars: string, offsets: Int32Array, slots: Int32Array, size: number, maxWordLength: number) {
    this.chars = chars;
    this.offsets = offsets;
    this.slots = slots;
    this.size = size;
    this.maxWordLength = maxWordLength;
  }

  static from(list: readonly unknown[]): CompactRankedDictionary {
    const words = list.map(String);
    const chars = words.join('');
    const offsets = new Int32Array(words.length + 1);
    for (let index = 0; index < words.length; index++) offsets[index + 1] = offsets[index]! + words[index]!.length;
    // At most 60% of the slots in use keeps linear probing short.
    const slots = new Int32Array(Math.ceil(words.length / 0.6) + 1).fill(-1);
    // The table being filled, for its probing; the one returned carries the final counts.
    const table = new CompactRankedDictionary(chars, offsets, slots, 0, 0);
    let size = 0;
    let maxWordLength = 0;
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      const slot = table.slotOf(word);
      if (slots[slot] === -1) size++;
      slots[slot] = index;
      maxWordLength = Math.max(maxWordLength, word.length);
    }
    return new CompactRankedDictionary(chars, offsets, slots, size, maxWordLength);
  }

  /** The word's rank, or undefined when it is not in the list. */
  rank(word: string): number | undefined {
    const index = this.slots[this.slotOf(word)]!;
    return index === -1 ? undefined : index + 1;
  }

  /**
   * A read-only view with zxcvbn's ranked-dictionary shape (`dict[word]` is the rank or undefined). Only property
   * reads and `in` are answered: zxcvbn enumerates a dictionary only for its Levenshtein option, which stays off.
   */
  asRecord(): Record<string, number> {
    const lookup = (key: string | symbol): number | undefined => (typeof key === 'string' ? this.rank(key) : undefined);
    return new Proxy(Object.create(null) as Record<string, number>, {
      get: (_target, key) => lookup(key),
      has: (_target, key) => lookup(key) !== undefined,
    });
  }

  /** The slot holding `word`, or the empty slot where it would go. */
  private slotOf(word: string): number {
    const { slots, offsets, chars } = this;
    let slot = hashOf(word) % slots.length;
    for (;;) {
      const index = slots[slot]!;
      if (index === -1) return slot;
      const start = offsets[index]!;
      if (offsets[index + 1]! - start === word.length && sameChars(chars, start, word)) return slot;
      slot = slot + 1 === slots.length ? 0 : slot + 1;
    }
  }
}

/** FNV-1a over UTF-16 code units. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function sameChars(chars: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (chars.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
  return true;
}
