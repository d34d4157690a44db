import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLimiter } from '../../src/adapters/limiter/build-limiter.js';
import { MemoryLimiter } from '../../src/adapters/limiter/memory-limiter.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { rateLimitBuckets, rateLimitStoreOf } from '../../src/config/rate-limit-settings.js';
import type { RawConfig } from '../../src/config/schema.js';

const load = (env: Record<string, string> = {}, overrides: RawConfig = {}) =>
  loadConfig({ env, cwd: mkdtempSync(join(tmpdir(), 'unlatch-rl-')), overrides: { tenants: [{ id: 'acme', name: 'Acme' }], ...overrides } });

const PRODUCTION = {
  UNLATCH_MODE: 'production',
  UNLATCH_PUBLIC_URL: 'https://reset.example.org',
  UNLATCH_SECRET_KEY: 'a'.repeat(64),
  UNLATCH_MAIL_TRANSPORT: 'smtp',
  UNLATCH_SMTP_HOST: 'mail.example.org',
};
const ON_POSTGRES = { ...PRODUCTION, UNLATCH_DATABASE_URL: 'postgres://unlatch@db.example.org/unlatch' };

const configError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('rateLimits: store settings', () => {
  it('defaults to memory, a "unlatch" key prefix and a proof-failure cap of 20 per 15 minutes', () => {
    const config = load();
    expect(config.rateLimits.store).toBeUndefined();
    expect(rateLimitStoreOf(config)).toBe('memory');
    expect(config.rateLimits.redis).toEqual({ keyPrefix: 'unlatch' });
    expect(config.rateLimits.proof_failures).toEqual({ points: 20, durationSeconds: 900 });
  });

  it('caps proof_failures at 100 points (NIST SP 800-63B)', () => {
    expect(load({}, { rateLimits: { proof_failures: { points: 100, durationSeconds: 900 } } }).rateLimits.proof_failures.points).toBe(100);
    const message = configError(() => load({}, { rateLimits: { proof_failures: { points: 101, durationSeconds: 900 } } }));
    expect(message).toMatch(/^config: rateLimits\.proof_failures\.points: at most 100/);
  });

  it('takes the Redis URL from UNLATCH_REDIS_URL, and needs one for store redis', () => {
    expect(configError(() => load({}, { rateLimits: { store: 'redis' } }))).toMatch(/^config: rateLimits\.redis\.url: required when rateLimits\.store is redis/);
    const config = load({ UNLATCH_REDIS_URL: 'redis://:pw@cache:6379/2' }, { rateLimits: { store: 'redis' } });
    expect(config.rateLimits.redis.url).toBe('redis://:pw@cache:6379/2');
    expect(configError(() => load({ UNLATCH_REDIS_URL: 'http://cache:6379' }))).toMatch(/^config: rateLimits\.redis\.url: must start with redis:\/\//);
  });

  it('needs a PostgreSQL database for store postgres', () => {
    expect(configError(() => load({}, { rateLimits: { store: 'postgres' } }))).toMatch(/^config: rateLimits\.store: postgres .* postgres:\/\/ URL/);
    expect(load({ UNLATCH_DATABASE_URL: 'postgres://u@db/x' }, { rateLimits: { store: 'postgres' } }).rateLimits.store).toBe('postgres');
  });

  it('refuses production on PostgreSQL until the store is chosen; memory is allowed when said on purpose', () => {
    const message = configError(() => load(ON_POSTGRES));
    expect(message).toMatch(/^config: rateLimits\.store: required in production mode with PostgreSQL/);
    expect(message).not.toContain('\n');
    expect(load(ON_POSTGRES, { rateLimits: { store: 'memory' } }).rateLimits.store).toBe('memory');
    expect(load(ON_POSTGRES, { rateLimits: { store: 'postgres' } }).rateLimits.store).toBe('postgres');
    expect(load({ ...ON_POSTGRES, UNLATCH_REDIS_URL: 'redis://cache:6379' }, { rateLimits: { store: 'redis' } }).rateLimits.store).toBe('redis');
    // The embedded SQLite setup is one node by nature: memory is its default, in production too.
    expect(rateLimitStoreOf(load(PRODUCTION))).toBe('memory');
  });

  it('hands the limiter only the buckets, not the store keys', () => {
    const buckets = rateLimitBuckets(load({ UNLATCH_REDIS_URL: 'redis://cache:6379' }, { rateLimits: { store: 'redis' } }).rateLimits);
    expect(buckets).not.toHaveProperty('store');
    expect(buckets).not.toHaveProperty('redis');
    expect(buckets.start_identifier).toEqual({ points: 5, durationSeconds: 900 });
    expect(buckets.proof_failures).toEqual({ points: 20, durationSeconds: 900 });
  });
});

describe('buildLimiter', () => {
  const logCollector = () => {
    const warnings: string[] = [];
    return { warnings, log: { warn: (_details: Record<string, unknown>, message: string) => void warnings.push(message), info: () => undefined } };
  };

  it('warns at start when production keeps limits in memory on purpose, with why it is unsafe', async () => {
    const { warnings, log } = logCollector();
    const limiter = await buildLimiter(load(ON_POSTGRES, { rateLimits: { store: 'memory' } }), {}, { log });
    expect(limiter).toBeInstanceOf(MemoryLimiter);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/each node counts on its own/);
    expect(warnings[0]).toMatch(/restart forgets/);
    await limiter.close();
  });

  it('builds the memory store silently in dev, with the SMS buckets merged in', async () => {
    const { warnings, log } = logCollector();
    const limiter = await buildLimiter(load(), { sms_destination: { points: 1, durationSeconds: 60 } }, { log });
    expect(warnings).toEqual([]);
    expect(await limiter.consume('sms_destination', '+447700900123')).toEqual({ allowed: true, remaining: 0 });
    expect((await limiter.consume('sms_destination', '+447700900123')).allowed).toBe(false);
    expect(await limiter.consume('proof_failures', 'demo:u1')).toEqual({ allowed: true, remaining: 19 });
  });
});
