import { describe, expect, it } from 'vitest';
import { decodeAuditCursor, encodeAuditCursor, normalizeAuditFilter } from '../../src/core/admin/audit-filter.js';
import { timeToReset } from '../../src/core/admin/overview.js';
import { overviewWindow } from '../../src/core/admin/overview-period.js';
import { durationBucket, durationBucketValue, MAX_DURATION_BUCKET, rollupDimensions } from '../../src/core/admin/rollup-dimensions.js';

describe('rollup dimensions', () => {
  it('counts what the overview needs, per event', () => {
    expect(rollupDimensions('reset.started', { purpose: 'unlock', identifier: 'alice' })).toEqual(['purpose=unlock']);
    expect(rollupDimensions('reset.code_verified', { method: 'totp', proof: 2, complete: true, purpose: 'reset' })).toEqual(['method=totp', 'step=reset:2:done']);
    expect(rollupDimensions('reset.completed', { durationMs: 60_000, methods: ['email_code', 'totp'] })).toEqual(['method=email_code', 'method=totp', `duration=${durationBucket(60_000)}`]);
    expect(rollupDimensions('reset.rate_limited', { bucket: 'start_ip' })).toEqual(['bucket=start_ip']);
    expect(rollupDimensions('signin.failed', { reason: 'x' })).toEqual([]);
  });

  it('never lets a caller-shaped value grow the rollup: anything outside the token form is `other`', () => {
    expect(rollupDimensions('reset.rate_limited', { bucket: 'x'.repeat(33) })).toEqual(['bucket=other']);
    expect(rollupDimensions('reset.code_verified', { method: 'Evil=1|x', proof: 1, complete: false })).toEqual(['method=other', 'step=reset:1:more']);
    expect(rollupDimensions('reset.code_verified', { method: 'totp', proof: 'many' })).toEqual(['method=totp']);
    expect(rollupDimensions('reset.completed', { durationMs: -5, methods: 'email_code' })).toEqual([]);
  });
});

describe('time-to-reset histogram', () => {
  it('puts durations in fixed log buckets whose midpoints are within 9.5%', () => {
    for (const ms of [1, 7, 999, 1000, 30_000, 61_234, 3_600_000, 86_400_000]) {
      const value = durationBucketValue(durationBucket(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThan(0.095 + 1 / ms);
    }
    expect(durationBucket(0)).toBe(0);
    expect(durationBucket(Number.NaN)).toBe(0);
    expect(durationBucket(1e15)).toBe(MAX_DURATION_BUCKET);
  });

  it('takes p50 and p95 by nearest rank', () => {
    const b = (ms: number) => String(durationBucket(ms));
    const histogram = new Map([[b(10_000), 5], [b(60_000), 4], [b(600_000), 1]]);
    expect(timeToReset(histogram)).toEqual({ samples: 10, p50Ms: durationBucketValue(durationBucket(10_000)), p95Ms: durationBucketValue(durationBucket(600_000)) });
    expect(timeToReset(new Map())).toEqual({ samples: 0, p50Ms: null, p95Ms: null });
  });
});

describe('overview periods', () => {
  it('cuts 24 h into the current UTC hour and the 23 before it, days into whole UTC days', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));
    const hours = overviewWindow('24h', now);
    expect(hours.buckets).toHaveLength(24);
    expect(hours.to.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(hours.from.toISOString()).toBe('2025-12-31T01:00:00.000Z');
    const days = overviewWindow('90d', now);
    expect(days.grain).toBe('day');
    expect(days.buckets[89]).toBe(Date.UTC(2026, 0, 1));
    expect(days.buckets[0]).toBe(days.from.getTime());
  });

  it('refuses anything else', () => {
    for (const period of ['1y', '', '__proto__', 'constructor']) expect(() => overviewWindow(period, new Date())).toThrow(/unknown overview period/);
  });
});

describe('audit cursor and filter', () => {
  it('round-trips a cursor and refuses tampered ones', () => {
    const cursor = encodeAuditCursor({ at: 1_770_000_000_123, seq: 98765 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuditCursor(cursor)).toEqual({ at: 1_770_000_000_123, seq: 98765 });
    for (const bad of ['', '!!', Buffer.from('-1:2').toString('base64url'), Buffer.from('1:2 ').toString('base64url'), 'A'.repeat(65)]) {
      expect(() => decodeAuditCursor(bad)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
  });

  it('splits events into exact names and prefixes, and drops blanks', () => {
    expect(normalizeAuditFilter({ tenantId: 't', event: ['reset.', 'account.unlocked', 'reset.'], ip: '' })).toMatchObject({
      events: { exact: ['account.unlocked'], prefixes: ['reset.'] },
      ip: null,
    });
  });
});
