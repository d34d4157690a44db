import { describe, expect, it } from 'vitest';
import { signInWithRetries } from '../../src/core/reset/sign-in-check.js';

/** A sign-in that starts working after `failures` tries (a replica catching up), recording the waits between tries. */
function replica(failures: number) {
  let calls = 0;
  const waits: number[] = [];
  return {
    signIn: async () => ++calls > failures,
    delay: async (ms: number) => void waits.push(ms),
    waits,
    calls: () => calls,
  };
}

describe('signInWithRetries', () => {
  it('stops at the first try that works, waiting a doubling delay before each retry', async () => {
    const r = replica(2);
    expect(await signInWithRetries(r.signIn, { attempts: 4, initialDelayMs: 250 }, r.delay)).toEqual({ ok: true, tries: 3 });
    expect(r.waits).toEqual([250, 500]);
  });

  it('gives up after the configured tries', async () => {
    const r = replica(10);
    expect(await signInWithRetries(r.signIn, { attempts: 3, initialDelayMs: 100 }, r.delay)).toEqual({ ok: false, tries: 3 });
    expect(r.calls()).toBe(3);
    expect(r.waits).toEqual([100, 200]);
  });

  it('needs no wait when the first try works, and counts a throwing try as failed', async () => {
    const r = replica(0);
    expect(await signInWithRetries(r.signIn, { attempts: 3, initialDelayMs: 100 }, r.delay)).toEqual({ ok: true, tries: 1 });
    expect(r.waits).toEqual([]);
    let first = true;
    const flaky = async () => {
      if (first) {
        first = false;
        throw new Error('connection reset');
      }
      return true;
    };
    expect(await signInWithRetries(flaky, { attempts: 2, initialDelayMs: 1 }, async () => undefined)).toEqual({ ok: true, tries: 2 });
  });
});
