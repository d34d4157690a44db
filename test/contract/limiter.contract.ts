import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BucketSettings, ClosableLimiter } from '../../src/adapters/limiter/bucket-limiter.js';
import type { LimitDecision } from '../../src/core/ports/limiter.js';

/** One store under test: opens a limiter with these buckets; `cleanup` removes what it left behind. */
export interface LimiterTarget {
  name: string;
  open(buckets: BucketSettings): Promise<{ limiter: ClosableLimiter; cleanup: () => Promise<void> }>;
}

/** The buckets the suite counts in: small, so a few calls exhaust them; one with a 1 s window. */
const BUCKETS: BucketSettings = {
  start_identifier: { points: 3, durationSeconds: 600 },
  start_ip: { points: 3, durationSeconds: 600 },
  verify_ip: { points: 1, durationSeconds: 1 },
  'sms_tenant_daily:acme': { points: 2, durationSeconds: 86_400 },
};

/** A key no other test (or earlier run against a shared store) has used. */
const freshKey = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 10)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Limiter port's contract: memory, Redis and PostgreSQL must all pass it. */
export function limiterContract(target: LimiterTarget, available: () => boolean): void {
  describe.runIf(available())(`Limiter contract on ${target.name}`, () => {
    let limiter: ClosableLimiter;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ limiter, cleanup } = await target.open(BUCKETS));
    });
    afterAll(async () => {
      await limiter?.close();
      await cleanup?.();
    });

    it('counts down the remaining points, then refuses with a Retry-After within the window', async () => {
      const key = freshKey('alice');
      const answers: LimitDecision[] = [];
      for (let i = 0; i < 4; i += 1) answers.push(await limiter.consume('start_identifier', key));
      expect(answers.slice(0, 3)).toEqual([
        { allowed: true, remaining: 2 },
        { allowed: true, remaining: 1 },
        { allowed: true, remaining: 0 },
      ]);
      const refused = answers[3]!;
      expect(refused.allowed).toBe(false);
      if (refused.allowed) return;
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(600);
      // Refused stays refused: more attempts do not reopen the window.
      expect((await limiter.consume('start_identifier', key)).allowed).toBe(false);
    });

    it('peeks without counting', async () => {
      const key = freshKey('bob');
      expect(await limiter.peek('start_identifier', key)).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.peek('start_identifier', key)).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.consume('start_identifier', key)).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.peek('start_identifier', key)).toEqual({ allowed: true, remaining: 1 });
      await limiter.consume('start_identifier', key);
      await limiter.consume('start_identifier', key);
      const peeked = await limiter.peek('start_identifier', key);
      expect(peeked.allowed).toBe(false);
      if (!peeked.allowed) expect(peeked.retryAfterSeconds).toBeGreaterThan(0);
    });

    it('forgets a key that is cleared, and only that key', async () => {
      const key = freshKey('carol');
      const other = freshKey('dave');
      for (let i = 0; i < 4; i += 1) await limiter.consume('start_identifier', key);
      await limiter.consume('start_identifier', other);
      await limiter.clear('start_identifier', key);
      expect(await limiter.consume('start_identifier', key)).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.consume('start_identifier', other)).toEqual({ allowed: true, remaining: 1 });
      // Clearing a key that was never counted is fine.
      await expect(limiter.clear('start_identifier', freshKey('nobody'))).resolves.toBeUndefined();
    });

    it('keeps keys and buckets apart', async () => {
      const key = freshKey('erin');
      for (let i = 0; i < 4; i += 1) await limiter.consume('start_identifier', key);
      expect((await limiter.consume('start_identifier', key)).allowed).toBe(false);
      expect(await limiter.consume('start_identifier', freshKey('frank'))).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.consume('start_ip', key)).toEqual({ allowed: true, remaining: 2 });
    });

    it('counts a bucket named per tenant (the SMS budgets) like any other', async () => {
      const tenant = freshKey('acme');
      expect(await limiter.consume('sms_tenant_daily:acme', tenant)).toEqual({ allowed: true, remaining: 1 });
      expect(await limiter.consume('sms_tenant_daily:acme', tenant)).toEqual({ allowed: true, remaining: 0 });
      const refused = await limiter.consume('sms_tenant_daily:acme', tenant);
      expect(refused.allowed).toBe(false);
      // A day's window: the wait is measured in hours, not seconds.
      if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(3600);
    });

    it('takes long and odd keys, each counted on its own', async () => {
      const stem = 'x'.repeat(5000);
      const a = `${stem}-a-${freshKey('')}`;
      const b = `${stem}-b-${freshKey('')}`;
      for (let i = 0; i < 3; i += 1) await limiter.consume('start_identifier', a);
      expect((await limiter.consume('start_identifier', a)).allowed).toBe(false);
      expect(await limiter.consume('start_identifier', b)).toEqual({ allowed: true, remaining: 2 });
      const odd = `${freshKey('ünïcødé')}\u0000:line\nbreak`;
      expect(await limiter.consume('start_identifier', odd)).toEqual({ allowed: true, remaining: 2 });
      expect(await limiter.peek('start_identifier', odd)).toEqual({ allowed: true, remaining: 1 });
    });

    it('opens again once the window has passed', async () => {
      const key = freshKey('grace');
      expect((await limiter.consume('verify_ip', key)).allowed).toBe(true);
      expect((await limiter.consume('verify_ip', key)).allowed).toBe(false);
      // A 1 s window: wait for it to end (polling, so a slow machine only takes longer, never fails).
      let reopened = false;
      for (let i = 0; i < 40 && !reopened; i += 1) {
        await sleep(250);
        reopened = (await limiter.peek('verify_ip', key)).allowed;
      }
      expect(reopened).toBe(true);
      expect(await limiter.consume('verify_ip', key)).toEqual({ allowed: true, remaining: 0 });
    });

    it('refuses a bucket it was not configured with, rather than not limiting', async () => {
      await expect(limiter.consume('change_ip', freshKey('heidi'))).rejects.toThrow(/no rate-limit bucket change_ip/);
    });
  });
}
