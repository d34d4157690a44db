import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp, type UnlatchApp } from '../../src/app.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { RawConfig, UnlatchConfig } from '../../src/config/schema.js';
import type { CapturedMail } from '../../src/http/http-deps.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { createTempPostgresDatabase, freePort } from './services.js';
import { TestClock } from './test-clock.js';

export interface TestApp {
  app: UnlatchApp;
  server: FastifyInstance;
  /** Set when started with `listen: true`. */
  baseUrl?: string;
  config: UnlatchConfig;
  clock: TestClock;
  /** Runs the outbox worker until nothing is due. */
  deliverMail(): Promise<void>;
  /** Captured mail to an address, newest first. */
  mailsTo(address: string): Promise<CapturedMail[]>;
  /** Delivers, then returns the code from the newest reset mail to `address`. */
  codeFor(address: string): Promise<string>;
  /** Delivers, then returns the token of the link in the newest reset mail to `address` (null when it has none). */
  linkTokenFor(address: string): Promise<string | null>;
  /** A demo-tenant user as the directory hands it to core (for calling core services directly). */
  accountOf(username: string): Promise<DirectoryAccount>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  overrides?: RawConfig;
  database?: 'sqlite' | 'postgres';
  /** Listen on 127.0.0.1 (a free port) with the outbox worker running, for browser tests. */
  listen?: boolean;
  /** Log lines go here (default: no logging unless UNLATCH_TEST_LOG names a level). */
  logger?: Logger;
}

/** Generous limits so tests that are not about rate limiting never trip one. */
const RELAXED_LIMITS = Object.fromEntries(
  ['start_ip', 'start_identifier', 'start_tenant', 'send_destination', 'verify_ip', 'verify_identifier', 'password_ip', 'change_ip', 'change_identifier', 'contact_register'].map((b) => [
    b,
    { points: 10_000, durationSeconds: 60 },
  ]),
);

/** Velocity thresholds no test reaches unless it is about them. */
const RELAXED_RISK_VELOCITY = Object.fromEntries(['ip', 'subnet', 'account', 'tenant'].map((k) => [k, { threshold: 1_000_000 }]));

/** The real app on a throwaway SQLite file or PostgreSQL database, in dev mode with the demo users. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'unlatch-test-'));
  const pgDb = options.database === 'postgres' ? await createTempPostgresDatabase() : null;
  const overrides = options.overrides ?? {};
  // A listening app gets its port up front, so links in its mail point at it.
  const port = options.listen ? await freePort() : 0;
  const raw: RawConfig = {
    mode: 'dev',
    dataDir,
    ...(options.listen ? { publicUrl: `http://127.0.0.1:${port}` } : {}),
    ...overrides,
    server: { host: '127.0.0.1', port, ...(overrides.server ?? {}) },
    database: { ...(overrides.database ?? {}), ...(pgDb ? { url: pgDb.url } : {}) },
    rateLimits: { ...RELAXED_LIMITS, ...(overrides.rateLimits ?? {}) },
    // Every start in a test comes from 127.0.0.1: the risk engine's address and network velocity would soon ask for
    // proof-of-work. Tests about risk set their own thresholds (a `velocity` override replaces these).
    risk: { velocity: RELAXED_RISK_VELOCITY, ...(overrides.risk ?? {}) },
    outbox: { pollIntervalMs: 50, backoffSeconds: 0.05, ...(overrides.outbox ?? {}) },
    log: { level: (process.env.UNLATCH_TEST_LOG as 'info' | undefined) ?? 'silent', ...(overrides.log ?? {}) },
  };
  const config = validateConfig(raw as Record<string, unknown>);
  const clock = new TestClock();
  const app = await buildApp({ config, clock, startWorker: options.listen === true, logger: options.logger });
  let baseUrl: string | undefined;
  if (options.listen) {
    await app.server.listen({ host: '127.0.0.1', port });
    baseUrl = `http://127.0.0.1:${port}`;
  }
  await app.server.ready();

  const mailsTo = async (address: string): Promise<CapturedMail[]> => {
    if (!app.devOutbox) throw new Error('no dev outbox in production mode');
    return app.devOutbox.listTo(address);
  };
  return {
    app,
    server: app.server,
    baseUrl,
    config,
    clock,
    deliverMail: () => app.worker.drain(),
    mailsTo,
    async codeFor(address) {
      await app.worker.drain();
      const mail = (await mailsTo(address)).find((m) => /code/i.test(m.subject));
      const code = mail?.text.match(/\b(\d{6,10})\b/)?.[1];
      if (!code) throw new Error(`no reset code mail to ${address}`);
      return code;
    },
    async linkTokenFor(address) {
      await app.worker.drain();
      const mail = (await mailsTo(address)).find((m) => /code/i.test(m.subject));
      if (!mail) throw new Error(`no reset mail to ${address}`);
      const token = mail.text.match(/\/reset\/link\?token=([A-Za-z0-9_%-]+)/)?.[1];
      return token ? decodeURIComponent(token) : null;
    },
    async accountOf(username) {
      const row = (await app.users.list('demo')).find((u) => u.username === username);
      if (!row) throw new Error(`no user ${username} in tenant demo`);
      return { id: row.id, tenantId: row.tenantId, username: row.username, email: row.email ?? undefined, phone: row.phone ?? undefined, displayName: row.displayName ?? undefined, groups: row.groups, enabled: row.enabled, locked: row.locked };
    },
    async close() {
      await app.close();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
