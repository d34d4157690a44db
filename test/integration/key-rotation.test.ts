import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type UnlatchApp } from '../../src/app.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { RawConfig } from '../../src/config/schema.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { TestClock } from '../helpers/test-clock.js';

const client = { ip: '198.51.100.9', userAgent: 'test', correlationId: 'corr-rotation' };
const K1 = { id: 'k1', secret: randomBytes(32).toString('base64') };
const K2 = { id: 'k_2', secret: randomBytes(32).toString('base64') };
type Key = typeof K1;

/**
 * Rotation end to end on both databases: data made under k1 (an authenticator app, backup codes, queued mail, a
 * live reset code), k2 added on top, `keys status` and `keys rotate` through the CLI, and starts with k1 removed:
 * refused while anything still needs it, fine once rotated — and the app still verifies codes then.
 * k2's id holds `_` on purpose: a LIKE wildcard must not make "k_2" match other ids.
 */
describe.each(['sqlite', 'postgres'] as const)('key rotation keeps data (%s)', (kind) => {
  let enabled = true;
  let dataDir: string;
  let dropPg: (() => Promise<void>) | null = null;
  let databaseUrl: string;
  const clock = new TestClock();
  let app: UnlatchApp | null = null;
  let totpSecret: string;
  const cliWith = (keys: Key[]): CliWorkspace => cliWorkspace({ dataDir, database: { url: databaseUrl }, secrets: { keys } });

  const rawConfig = (keys: Key[]): RawConfig => ({
    mode: 'dev', dataDir, database: { url: databaseUrl }, secrets: { keys }, log: { level: 'silent' },
    // Without the console there is no demo operator, whose authenticator seed would change the counts below.
    admin: { enabled: false },
    rateLimits: Object.fromEntries(['start_ip', 'start_identifier', 'verify_ip', 'verify_identifier', 'password_ip', 'send_destination'].map((b) => [b, { points: 1000, durationSeconds: 60 }])),
  });
  const start = async (keys: Key[]) => {
    await app?.close();
    app = null;
    app = await buildApp({ config: validateConfig(rawConfig(keys) as Record<string, unknown>), clock, startWorker: false });
    await app.server.ready();
    return app;
  };
  const accountOf = async (a: UnlatchApp, username: string) => {
    const row = (await a.users.list('demo')).find((u) => u.username === username)!;
    return { id: row.id, tenantId: row.tenantId, username: row.username, email: row.email ?? undefined, groups: row.groups, enabled: row.enabled, locked: row.locked };
  };
  const post = (a: UnlatchApp, url: string, payload: object) => a.server.inject({ method: 'POST', url, payload });

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    dataDir = mkdtempSync(join(tmpdir(), 'unlatch-rotation-'));
    if (kind === 'postgres') {
      const pg = await createTempPostgresDatabase();
      databaseUrl = pg.url;
      dropPg = pg.drop;
    } else {
      databaseUrl = `sqlite:${join(dataDir, 'unlatch.db')}`;
    }
    // Everything under k1: an authenticator app for alice, backup codes for bob, a reset for carol (a queued
    // code mail and a live code HMAC) and the security notices, all still in the outbox (no worker runs).
    const a = await start([K1]);
    const alice = await accountOf(a, 'alice');
    const enrollment = await a.methodRegistration.beginTotp({ account: alice, name: 'Phone', client });
    expect(await a.methodRegistration.finishTotp({ account: alice, methodId: enrollment.methodId, code: totpAt(enrollment.secret, clock.now().getTime()), client })).toEqual({ ok: true });
    totpSecret = enrollment.secret;
    await a.methodRegistration.regenerateBackupCodes({ account: await accountOf(a, 'bob'), client });
    expect((await post(a, '/api/v1/reset', { identifier: 'carol' })).statusCode).toBe(202);
    await app!.close();
    app = null;
  });

  afterAll(async () => {
    await app?.close();
    await dropPg?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('status shows what k1 still holds; starting without k1 is refused with the counts', async (ctx) => {
    if (!enabled) return ctx.skip();
    const ws = cliWith([K2, K1]);
    try {
      expect(await ws.run(['keys', 'status'])).toEqual({
        code: 0,
        stderr: '',
        stdout: [
          'key k_2 (newest): nothing',
          'key k1: 1 authenticator seed, 3 queued messages, 10 unused backup codes (cannot be re-sealed), 1 live code (cannot be re-sealed)',
          '4 records are sealed under older keys: run `unlatch keys rotate` to re-seal them under k_2',
          '10 unused backup codes are checked with older keys: keep those keys until their owners regenerate them',
          '1 live code under older keys (codes run out within minutes)',
          '',
        ].join('\n'),
      });
    } finally {
      ws.remove();
    }
    await expect(start([K2])).rejects.toThrow(
      "config: secrets.keys: key 'k1' was removed but still seals 1 authenticator seed and 3 queued messages and still checks 10 unused backup codes and 1 live code; put it back and run `unlatch keys rotate` first",
    );
  });

  it('rotate re-seals in batches and resumes where it stopped; status then shows nothing sealed under k1', async (ctx) => {
    if (!enabled) return ctx.skip();
    const ws = cliWith([K2, K1]);
    try {
      expect(await ws.run(['keys', 'rotate', '--batch-size', '0'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('--batch-size must be a whole number') });
      // Two batches of one: the seed, then one message; the run stops there.
      const first = await ws.run(['keys', 'rotate', '--batch-size', '1', '--batches', '2']);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('re-sealing under key k_2 in batches of 1\nauthenticator seeds: 1/1\nqueued messages: 1/3\nstopped after 2 batches: 2 re-sealed; run again to go on\n');
      expect((await ws.run(['keys', 'status'])).stdout).toContain('key k_2 (newest): 1 authenticator seed, 1 queued message\nkey k1: 2 queued messages, 10 unused backup codes');

      // A second run goes on with what is left only.
      const second = await ws.run(['keys', 'rotate', '--batch-size', '2']);
      expect(second).toMatchObject({ code: 0, stderr: '' });
      expect(second.stdout).toContain('queued messages: 2/2\ndone: 2 re-sealed\n');
      expect(second.stdout).not.toContain('authenticator seeds:');
      expect(second.stdout).toContain('key k_2 (newest): 1 authenticator seed, 3 queued messages\nkey k1: 10 unused backup codes (cannot be re-sealed), 1 live code (cannot be re-sealed)\n');
      expect(second.stdout).not.toContain('keys rotate` to re-seal');
    } finally {
      ws.remove();
    }
  });

  it('still refuses to start without k1 while backup codes and a live code need it', async (ctx) => {
    if (!enabled) return ctx.skip();
    await expect(start([K2])).rejects.toThrow(
      "config: secrets.keys: key 'k1' was removed but still checks 10 unused backup codes and 1 live code; put it back; backup codes cannot be re-sealed",
    );
  });

  it('once backup codes are regenerated and codes ran out, starts without k1: an app code verifies, a reset works, queued mail goes out', async (ctx) => {
    if (!enabled) return ctx.skip();
    const both = await start([K2, K1]);
    await both.methodRegistration.regenerateBackupCodes({ account: await accountOf(both, 'bob'), client });
    clock.advance(60 * 60); // carol's reset (and its code) has expired

    const a = await start([K2]);
    const flowId = ((await post(a, '/api/v1/reset', { identifier: 'alice' })).json() as { flowId: string }).flowId;
    const verified = await post(a, `/api/v1/reset/${flowId}/verify`, { method: 'totp', code: totpAt(totpSecret, clock.now().getTime()) });
    expect(verified.statusCode).toBe(200);
    expect(await post(a, `/api/v1/reset/${flowId}/password`, { password: 'lantern meadow otter 41' })).toMatchObject({ statusCode: 200 });

    // The messages queued under k1, re-sealed under k2, are readable and delivered: none given up.
    await a.worker.drain();
    expect((await a.devOutbox!.listTo('carol@example.com')).some((m) => /code/i.test(m.subject))).toBe(true);
    const dead = await a.database.db.selectFrom('outbox').select('idempotency_key').where('status', '=', 'dead').execute();
    expect(dead).toEqual([]);
  });

  it('reports a value sealed under a key the ring lacks, and leaves it as it is', async (ctx) => {
    if (!enabled) return ctx.skip();
    const db = app!.database.db;
    const alice = await accountOf(app!, 'alice');
    await db.insertInto('methods').values({
      id: 'orphan', tenant_id: 'demo', subject_id: alice.id, kind: 'totp', name: 'Lost', secret: 'v1.k0.aaaa.bbbb.cccc', data: '{}',
      confirmed: 1, last_used_step: null, created_at: 0, last_used_at: null, used_at: null, confirm_attempts: 0,
    }).execute();
    const ws = cliWith([K2]);
    try {
      const status = await ws.run(['keys', 'status']);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('key k0 (NOT in the ring: these records cannot be read): 1 authenticator seed\n');
      const rotated = await ws.run(['keys', 'rotate']);
      expect(rotated.code).toBe(1);
      expect(rotated.stdout).toContain('authenticator seeds: 1 could not be opened (key not in the ring, or the value was altered); left as they are\n');
      const row = await db.selectFrom('methods').select('secret').where('id', '=', 'orphan').executeTakeFirstOrThrow();
      expect(row.secret).toBe('v1.k0.aaaa.bbbb.cccc');
    } finally {
      ws.remove();
      await db.deleteFrom('methods').where('id', '=', 'orphan').execute();
    }
  });
});
