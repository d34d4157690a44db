import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../src/adapters/outbox/outbox-worker.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlOutboxQueue, type Settlement } from '../../src/adapters/store/outbox-repository.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { newId } from '../../src/core/crypto/secrets.js';
import { systemClock } from '../../src/core/ports/clock.js';
import type { MailMessage, Mailer } from '../../src/core/ports/mailer.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

/** Claims in these tests last 1 s: a dead node's message must go out soon after, not after minutes. */
const CLAIM_SECONDS = 1;
/** How long a takeover may take at most: the claim running out, plus a few polls. */
const TAKEOVER_MS = CLAIM_SECONDS * 1000 + 3000;

const sealer = new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal');
const logger = createLogger('silent');

/** A mailer that records what it was asked to send; `hold` keeps a send open until released. */
function recordingMailer(hold?: (message: MailMessage) => Promise<void>): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      if (hold) await hold(message);
      sent.push(message);
    },
  } as Mailer & { sent: MailMessage[] };
}

async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.runIf(available)('outbox claims on several nodes (PostgreSQL)', () => {
  let url: string;
  let drop: () => Promise<void>;
  const handles: DatabaseHandle[] = [];
  let admin: DatabaseHandle;

  /** One node: its own connection pool, queue and worker. */
  function node(mailer: Mailer, queueOf?: (handle: DatabaseHandle) => SqlOutboxQueue) {
    const handle = openDatabase(url);
    handles.push(handle);
    const queue = queueOf?.(handle) ?? new SqlOutboxQueue(handle.db, handle.dialect, sealer, systemClock);
    const worker = new OutboxWorker({
      queue, auditSink: null, mailer, clock: systemClock, logger, events: { delivered: () => undefined },
      render: (m) => ({ subject: `code ${String(m.data.code)}`, text: 'text', html: '<p>html</p>' }),
      settings: { pollIntervalMs: 50, batchSize: 10, maxAttempts: 5, backoffSeconds: 1, maxBackoffSeconds: 2, claimSeconds: CLAIM_SECONDS },
    });
    return { handle, queue, worker };
  }

  async function enqueue(count = 1): Promise<string[]> {
    const keys = Array.from({ length: count }, () => `takeover:${newId()}`);
    const store = new SqlStore(admin, sealer, systemClock);
    await store.transaction(async (tx) => {
      for (const key of keys) {
        await tx.outbox.enqueue({ channel: 'email', template: 'reset_code', tenantId: 'demo', to: 'alice@example.com', data: { code: '918273' }, idempotencyKey: key, flowId: null, subjectId: 'u1' });
      }
    });
    return keys;
  }

  const rowOf = (key: string) => admin.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  const sentAudits = async () => (await admin.db.selectFrom('audit_log').select('event').where('event', '=', 'reset.code_sent').execute()).length;

  beforeAll(async () => {
    ({ url, drop } = await createTempPostgresDatabase());
    admin = openDatabase(url);
    await migrateToLatest(admin.db);
  });
  afterAll(async () => {
    for (const handle of handles) await handle.close().catch(() => undefined);
    await admin?.close();
    await drop?.();
  });

  it('sends a claim left by a dead worker from another worker once the short claim runs out', async () => {
    await admin.db.deleteFrom('outbox').execute();
    const [key] = await enqueue();
    // The dead node claimed it and will never settle or renew it.
    const deadQueue = new SqlOutboxQueue(admin.db, admin.dialect, sealer, systemClock);
    expect((await deadQueue.claim('dead', 10, CLAIM_SECONDS * 1000)).map((m) => m.id)).toEqual([key]);

    const mailer = recordingMailer();
    const { worker } = node(mailer);
    // Still claimed: not sent at once.
    expect(await worker.runOnce()).toBe(0);
    worker.start();
    try {
      await waitFor('the takeover', async () => (await rowOf(key!)).status === 'sent', TAKEOVER_MS);
    } finally {
      await worker.stop();
    }
    expect(mailer.sent.map((m) => m.idempotencyKey)).toEqual([key]);
    expect(await rowOf(key!)).toMatchObject({ status: 'sent', claimed_by: worker.id, payload: null });
  });

  it('takes over from a worker that died in the middle of a send, and the message goes out once', async () => {
    await admin.db.deleteFrom('outbox').execute();
    const [key] = await enqueue();
    let sendStarted = () => {};
    const started = new Promise<void>((resolve) => (sendStarted = resolve));
    // Node 1's SMTP exchange never finishes; then the node loses its database for good (it is gone).
    const dying = node(recordingMailer(() => {
      sendStarted();
      return new Promise<void>(() => undefined);
    }));
    void dying.worker.runOnce();
    await started;
    await dying.handle.close();

    const mailer = recordingMailer();
    const survivor = node(mailer);
    survivor.worker.start();
    try {
      await waitFor('the takeover', async () => (await rowOf(key!)).status === 'sent', TAKEOVER_MS);
    } finally {
      await survivor.worker.stop();
    }
    expect(mailer.sent.map((m) => m.idempotencyKey)).toEqual([key]);
    expect(await rowOf(key!)).toMatchObject({ status: 'sent', claimed_by: survivor.worker.id });
    expect(await sentAudits()).toBeGreaterThanOrEqual(1);
  });

  it('keeps a live worker\'s claim by heartbeat: a send slower than the claim is not taken over and sent twice', async () => {
    await admin.db.deleteFrom('outbox').execute();
    const [key] = await enqueue();
    let finishSend: (() => void) | null = null;
    const slowMailer = recordingMailer(() => new Promise<void>((resolve) => (finishSend = resolve)));
    const slow = node(slowMailer);
    const otherMailer = recordingMailer();
    const other = node(otherMailer);

    const pass = slow.worker.runOnce();
    await waitFor('the slow send to start', () => finishSend !== null, 5000);
    // The other node keeps polling for three claim periods while the send is under way.
    const handledByOther: number[] = [];
    const until = Date.now() + 3 * CLAIM_SECONDS * 1000;
    while (Date.now() < until) {
      handledByOther.push(await other.worker.runOnce());
      await new Promise((r) => setTimeout(r, 100));
    }
    finishSend!();
    expect(await pass).toBe(1);

    expect(handledByOther.length).toBeGreaterThan(10);
    expect(handledByOther.every((n) => n === 0)).toBe(true);
    expect(otherMailer.sent).toEqual([]);
    expect(slowMailer.sent.map((m) => m.idempotencyKey)).toEqual([key]);
    expect(await rowOf(key!)).toMatchObject({ status: 'sent', claimed_by: slow.worker.id });
  });

  it('on stop, finishes the message in flight and gives back the claims it has not started', async () => {
    await admin.db.deleteFrom('outbox').execute();
    const keys = await enqueue(3);
    let finishSend: (() => void) | null = null;
    let holding = true;
    const first = node(recordingMailer(() => (holding ? new Promise<void>((resolve) => (finishSend = resolve)) : Promise.resolve())));
    const pass = first.worker.runOnce();
    await waitFor('the first send to start', () => finishSend !== null, 5000);
    const stopped = first.worker.stop();
    holding = false;
    finishSend!();
    await stopped;
    expect(await pass).toBe(3);

    const rows = await Promise.all(keys.map(rowOf));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    const rest = rows.filter((r) => r.status === 'pending');
    expect(rest).toHaveLength(2);
    for (const row of rest) expect(row).toMatchObject({ claimed_by: null, claimed_until: null, attempts: 0 });
    // Given back, not left to run out: another node sends them at once.
    const mailer = recordingMailer();
    expect(await node(mailer).worker.runOnce()).toBe(2);
    expect(mailer.sent).toHaveLength(2);
  });

  it('never sends twice from one node when recording a sent message fails', async () => {
    await admin.db.deleteFrom('outbox').execute();
    const [key] = await enqueue();
    let failures = 1;
    class FlakySettleQueue extends SqlOutboxQueue {
      override async settle(outcomes: readonly Settlement[]): Promise<void> {
        if (outcomes.length > 0 && failures-- > 0) throw new Error('connection lost');
        return super.settle(outcomes);
      }
    }
    const mailer = recordingMailer();
    const { worker } = node(mailer, (h) => new FlakySettleQueue(h.db, h.dialect, sealer, systemClock));
    // Sent, then the record fails (and its retry at the end of the pass succeeds).
    expect(await worker.runOnce()).toBe(1);
    expect(await rowOf(key!)).toMatchObject({ status: 'sent' });
    expect(mailer.sent).toHaveLength(1);
    expect(await sentAudits()).toBeGreaterThanOrEqual(1);

    // Two failures: the pass ends unrecorded; the claim runs out, the same node claims it again and records it without sending.
    const [second] = await enqueue();
    failures = 2;
    expect(await worker.runOnce()).toBe(1);
    expect(await rowOf(second!)).toMatchObject({ status: 'pending', claimed_by: worker.id });
    await new Promise((r) => setTimeout(r, CLAIM_SECONDS * 1000 + 200));
    failures = 0;
    await worker.drain();
    expect(await rowOf(second!)).toMatchObject({ status: 'sent' });
    expect(mailer.sent.map((m) => m.idempotencyKey)).toEqual([key, second]);
  });
});
