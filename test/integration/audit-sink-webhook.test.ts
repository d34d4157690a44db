import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLoopbackCertificates } from '../helpers/rsyslog.js';
import { freePort, postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const OLD_KEY = { id: 'k1', secret: 'old-signing-secret-0123456789abcdef' };
const NEW_KEY = { id: 'k2', secret: 'new-signing-secret-0123456789abcdef' };

interface Received {
  event: Record<string, unknown>;
  contentType: string | undefined;
  authorization: string | undefined;
  keyId: string | undefined;
}

/** The receiver side of docs/siem.md: accept any listed key, refuse a bad MAC or an old timestamp. */
function verified(header: string | undefined, body: string, keys: Array<{ id: string; secret: string }>, nowSeconds: number): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const key = keys.find((k) => k.id === parts.k);
  const t = Number(parts.t);
  if (!key || !parts.v1 || !Number.isInteger(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', key.secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A local HTTPS receiver that checks signatures; `mode` makes it answer a redirect or take requests. */
class Receiver {
  readonly received: Received[] = [];
  badSignatures = 0;
  redirectsFollowed = 0;
  mode: 'ok' | 'redirect' = 'ok';
  private server: Server | null = null;

  constructor(private readonly tls: { key: Buffer; cert: Buffer }, readonly port: number) {}

  async up(): Promise<void> {
    const server = createServer(this.tls, (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (req.url === '/elsewhere') {
          this.redirectsFollowed += 1;
          res.writeHead(200).end();
          return;
        }
        if (!verified(req.headers['x-unlatch-signature'] as string | undefined, body, [OLD_KEY, NEW_KEY], Math.floor(Date.now() / 1000))) {
          this.badSignatures += 1;
          res.writeHead(401).end();
          return;
        }
        if (this.mode === 'redirect') {
          res.writeHead(307, { location: `https://127.0.0.1:${this.port}/elsewhere` }).end();
          return;
        }
        const keyId = /(?:^|,)k=([^,]+)/.exec(String(req.headers['x-unlatch-signature']))?.[1];
        this.received.push({ event: JSON.parse(body) as Record<string, unknown>, contentType: req.headers['content-type'], authorization: req.headers.authorization, keyId });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const dialects = (['sqlite', 'postgres'] as const).filter((d) => d === 'sqlite' || pgUp);

describe.each(dialects)('audit sink: HTTPS webhook with CloudEvents (%s)', (database) => {
  let t: TestApp;
  let receiver: Receiver;
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-webhook-'));

  beforeAll(async () => {
    await makeLoopbackCertificates(dir);
    receiver = new Receiver({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, await freePort());
    t = await startTestApp({
      database,
      overrides: {
        audit: {
          sinks: [
            {
              type: 'webhook',
              name: 'siem-hook',
              url: `https://127.0.0.1:${receiver.port}/ingest`,
              caFile: join(dir, 'ca.pem'),
              keys: [OLD_KEY, NEW_KEY],
              headers: { Authorization: 'Splunk test-token' },
            },
          ],
        },
        outbox: { backoffSeconds: 0.01, maxBackoffSeconds: 0.02, maxAttempts: 2 },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deliverUntil(count: number): Promise<void> {
    for (let round = 0; round < 100 && new Set(receiver.received.map((r) => r.event.id)).size < count; round += 1) {
      await t.deliverMail();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('loses nothing while the receiver is down, then delivers every entry in order, signed by the newest key', async () => {
    // Down: nothing listens on the port yet.
    for (const identifier of ['alice', 'bob', 'alice']) {
      const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } });
      expect(start.statusCode).toBe(202);
    }
    for (let pass = 0; pass < 5; pass += 1) {
      await t.app.worker.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const waiting = await t.app.database.db.selectFrom('outbox').select(['status']).where('channel', '=', 'audit').execute();
    expect(waiting.length).toBeGreaterThan(0);
    // More attempts than maxAttempts (2) have failed, yet nothing was given up: audit rows are never dead.
    expect(waiting.every((row) => row.status === 'pending')).toBe(true);
    const downMetrics = await t.app.metrics.registry.metrics();
    expect(downMetrics).toMatch(/unlatch_audit_sink_failures_total\{sink="siem-hook"\} [1-9]/);
    expect(downMetrics).toMatch(/unlatch_audit_sink_lag_seconds\{sink="siem-hook"\} (0\.\d*[1-9]|[1-9])/);

    await receiver.up();
    const rows = await t.app.database.db.selectFrom('audit_log').select(['seq', 'event']).orderBy('seq').execute();
    await deliverUntil(rows.length);

    const ids = receiver.received.map((r) => Number(r.event.id));
    // In order, each entry exactly once (ids are stable for de-duplication; none was needed here).
    expect(ids).toEqual(rows.map((r) => Number(r.seq)));
    expect(receiver.badSignatures).toBe(0);
    // The newest key signs; the receiver still lists the older one while keys rotate.
    expect(new Set(receiver.received.map((r) => r.keyId))).toEqual(new Set([NEW_KEY.id]));
    const first = receiver.received[0]!;
    expect(first.contentType).toMatch(/^application\/cloudevents\+json/);
    expect(first.authorization).toBe('Splunk test-token');
    expect(first.event).toMatchObject({ specversion: '1.0', id: String(rows[0]!.seq), sequence: String(rows[0]!.seq), type: `io.unlatch.audit.${rows[0]!.event}`, datacontenttype: 'application/json' });
    expect((first.event.data as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
    const upMetrics = await t.app.metrics.registry.metrics();
    expect(upMetrics).toContain(`unlatch_audit_sink_delivered_total{sink="siem-hook"} ${rows.length}`);
    expect(upMetrics).toContain('unlatch_audit_sink_lag_seconds{sink="siem-hook"} 0');
  });

  it('does not follow a redirect: the entry stays queued until the receiver takes it', async () => {
    const before = receiver.received.length;
    receiver.mode = 'redirect';
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } });
    expect(start.statusCode).toBe(202);
    for (let pass = 0; pass < 3; pass += 1) {
      await t.app.worker.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(receiver.redirectsFollowed).toBe(0);
    expect(receiver.received.length).toBe(before);
    const pending = await t.app.database.db.selectFrom('outbox').select('status').where('channel', '=', 'audit').where('status', '=', 'pending').execute();
    expect(pending.length).toBeGreaterThan(0);

    receiver.mode = 'ok';
    const rows = await t.app.database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    await deliverUntil(rows.length);
    expect(receiver.received.map((r) => Number(r.event.id))).toEqual(rows.map((r) => Number(r.seq)));
  });
});
