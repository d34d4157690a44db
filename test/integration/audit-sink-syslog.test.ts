import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSLOG_SD_ID } from '../../src/core/audit/sink-syslog.js';
import { rsyslogAvailable, startRsyslog, type ReceivedSyslog, type RsyslogReceiver } from '../helpers/rsyslog.js';
import { shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const run = shouldRun('rsyslogd with rsyslog-gnutls', rsyslogAvailable());
const AGENT = 'probe "quoted" [bracket] back\\slash';

/** Delivers until `count` messages of `input` arrived (rsyslog writes its file a moment after receiving). */
async function receivedFrom(t: TestApp, rsyslog: RsyslogReceiver, input: string, count: number): Promise<ReceivedSyslog[]> {
  for (let round = 0; round < 100; round += 1) {
    await t.deliverMail();
    const got = rsyslog.received().filter((m) => m.input === input);
    if (got.length >= count) return got;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return rsyslog.received().filter((m) => m.input === input);
}

/** The SD element's parameters, unescaped. */
function sdParams(sd: string): Record<string, string> {
  expect(sd.startsWith(`[${SYSLOG_SD_ID} `)).toBe(true);
  const params: Record<string, string> = {};
  for (const match of sd.matchAll(/([a-z]+)="((?:[^"\\]|\\.)*)"/g)) params[match[1]!] = match[2]!.replace(/\\(["\\\]])/g, '$1');
  return params;
}

describe.runIf(run)('audit sink: syslog to a real rsyslog (RFC 5424 over TLS and UDP)', () => {
  let rsyslog: RsyslogReceiver;
  let t: TestApp;

  beforeAll(async () => {
    rsyslog = await startRsyslog();
    t = await startTestApp({
      overrides: {
        audit: {
          sinks: [
            { type: 'syslog', name: 'siem-tls', transport: 'tls', host: '127.0.0.1', port: rsyslog.tlsPort, caFile: rsyslog.caFile, serverName: 'localhost' },
            { type: 'syslog', name: 'siem-udp', transport: 'udp', host: '127.0.0.1', port: rsyslog.udpPort },
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await rsyslog?.stop();
  });

  it('delivers every entry once per sink, in order, with structured data rsyslog parses', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' }, headers: { 'user-agent': AGENT } });
    expect(start.statusCode).toBe(202);
    await t.deliverMail();
    const rows = await t.app.database.db.selectFrom('audit_log').select(['seq', 'event', 'outcome', 'tenant_id']).orderBy('seq').execute();
    expect(rows.length).toBeGreaterThan(1);

    const tls = await receivedFrom(t, rsyslog, 'tls', rows.length);
    const udp = await receivedFrom(t, rsyslog, 'udp', rows.length);
    const seqsOf = (messages: ReceivedSyslog[]) => messages.map((m) => Number(sdParams(m.sd).seq));
    // Over TLS: each entry once, in entry order (the per-sink order the delivery keeps).
    expect(seqsOf(tls)).toEqual(rows.map((r) => Number(r.seq)));
    expect([...seqsOf(udp)].sort((a, b) => a - b)).toEqual(rows.map((r) => Number(r.seq)));

    const first = tls[0]!;
    const firstRow = rows[0]!;
    expect(first.app).toBe('unlatch');
    expect(first.msgid).toBe(firstRow.event);
    // authpriv (10) × 8 + notice (5) for a success; warning (4) otherwise.
    expect(Number(first.pri)).toBe(10 * 8 + (firstRow.outcome === 'success' ? 5 : 4));
    const params = sdParams(first.sd);
    expect(params).toMatchObject({ seq: String(firstRow.seq), event: firstRow.event, tenant: firstRow.tenant_id, outcome: firstRow.outcome });
    // Escapes survive the trip: rsyslog parsed the element in one piece.
    expect(params.ua).toBe(AGENT);
    // The message is the entry itself as JSON (after the UTF-8 BOM), with its chain hash.
    const entry = JSON.parse(first.msg.replace(/^\uFEFF/, '')) as { seq: number; hash: string };
    expect(entry.seq).toBe(Number(firstRow.seq));
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);

    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain(`unlatch_audit_sink_delivered_total{sink="siem-tls"} ${rows.length}`);
    expect(metrics).toContain('unlatch_audit_sink_lag_seconds{sink="siem-tls"} 0');
  });

  it('over TLS loses nothing while the collector is down and keeps the order once it is back', async () => {
    const before = rsyslog.received().filter((m) => m.input === 'tls').length;
    await rsyslog.down();
    for (const identifier of ['bob', 'alice']) {
      const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } });
      expect(start.statusCode).toBe(202);
    }
    for (let pass = 0; pass < 3; pass += 1) await t.app.worker.runOnce();
    const queued = await t.app.database.db.selectFrom('outbox').select('status').where('channel', '=', 'audit').where('status', '=', 'pending').execute();
    expect(queued.length).toBeGreaterThan(0);
    expect(await t.app.metrics.registry.metrics()).toMatch(/unlatch_audit_sink_failures_total\{sink="siem-tls"\} [1-9]/);

    await rsyslog.up();
    const rows = await t.app.database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    const tls = await receivedFrom(t, rsyslog, 'tls', rows.length);
    expect(tls.length).toBeGreaterThan(before);
    expect(tls.map((m) => Number(sdParams(m.sd).seq))).toEqual(rows.map((r) => Number(r.seq)));
  });
});
