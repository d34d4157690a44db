import { describe, expect, it } from 'vitest';
import { TimedCache } from '../../src/adapters/directory/timed-cache.js';

describe('TimedCache (the directory rules read at most once a minute)', () => {
  it('reads once per minute, shares a read in flight and keeps a failure turned into a value', async () => {
    let now = 1_000_000;
    let reads = 0;
    let answer: string | null = 'rules-1';
    const cache = new TimedCache(async () => {
      reads++;
      return answer;
    }, 60_000, () => now);

    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a, b, reads]).toEqual(['rules-1', 'rules-1', 1]);
    answer = 'rules-2';
    now += 59_999;
    expect(await cache.get()).toBe('rules-1');
    expect(reads).toBe(1);
    now += 1;
    expect(await cache.get()).toBe('rules-2');
    expect(reads).toBe(2);

    // A directory that could not answer (null) is not asked again on every page for a minute.
    answer = null;
    now += 60_000;
    expect(await cache.get()).toBeNull();
    answer = 'rules-3';
    now += 30_000;
    expect(await cache.get()).toBeNull();
    expect(reads).toBe(3);

    // A clock that went back does not keep a value for longer than the minute.
    now -= 120_000;
    expect(await cache.get()).toBe('rules-3');
    expect(reads).toBe(4);
  });
});
