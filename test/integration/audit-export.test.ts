import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAuditEntry } from '../../src/core/audit/audit-hash.js';
import { AuditChainVerifier } from '../../src/core/audit/chain-verifier.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('audit export through the outbox', () => {
  let t: TestApp;
  const dir = join(tmpdir(), `unlatch-export-${process.pid}-${Date.now()}`);
  const file = join(dir, 'audit.jsonl');

  beforeAll(async () => {
    // The export path starts out as a directory, so the first deliveries fail like a full or missing disk would.
    mkdirSync(file, { recursive: true });
    t = await startTestApp({ overrides: { audit: { exportFile: file }, outbox: { backoffSeconds: 0.01, maxBackoffSeconds: 0.01, maxAttempts: 100 } } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps entries while the sink fails, then writes every entry once, in a chain that verifies', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    expect(start.statusCode).toBe(202);
    await t.app.worker.runOnce();
    const waiting = await t.app.database.db.selectFrom('outbox').selectAll().where('channel', '=', 'audit').execute();
    expect(waiting.length).toBeGreaterThan(0);
    // Nothing is lost: every entry waits; those already tried say why (the code_sent entry was queued during the pass).
    expect(waiting.every((row) => row.status === 'pending')).toBe(true);
    expect(waiting.some((row) => row.last_error === 'export_failed')).toBe(true);

    rmSync(file, { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await t.deliverMail();
    await t.deliverMail();

    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StoredAuditEntry);
    const rows = await t.app.database.db.selectFrom('audit_log').select(['seq', 'chain', 'chain_seq', 'hash', 'event']).orderBy('seq').execute();
    const bySeq = [...lines].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((l) => l.seq)).toEqual(rows.map((r) => Number(r.seq)));
    expect(bySeq.map((l) => l.hash)).toEqual(rows.map((r) => r.hash));
    // Each line says where it sits, so the shipped copy is verified chain by chain.
    expect(bySeq.map((l) => [l.chain, l.chainSeq])).toEqual(rows.map((r) => [Number(r.chain), Number(r.chain_seq)]));
    expect(bySeq.map((l) => l.event)).toContain('reset.code_sent');
    const verifier = new AuditChainVerifier();
    for (const entry of [...lines].sort((a, b) => a.chain - b.chain || a.chainSeq - b.chainSeq)) verifier.feed(entry);
    expect(verifier.verdict()).toMatchObject({ ok: true, entries: rows.length });
    // Exporting is not itself audited: no entry speaks of the export.
    expect(rows.some((r) => r.event.includes('export'))).toBe(false);
  });
});
