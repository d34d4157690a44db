import { describe, expect, it } from 'vitest';
import { AuditVerifications } from '../../src/core/admin/audit-verifications.js';
import type { AuditSource } from '../../src/core/audit/audit-log-verification.js';
import { GENESIS_HASH, auditEntryHash, type StoredAuditEntry } from '../../src/core/audit/audit-hash.js';
import type { AuditVerificationClaim, AuditVerificationOutcome, AuditVerificationRun, AuditVerificationRuns } from '../../src/core/ports/audit-verifications.js';

/** One chain of `n` good entries, and its head. */
function chain(n: number): { entries: StoredAuditEntry[]; heads: Map<number, { seq: number; hash: string }> } {
  const entries: StoredAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields = {
      seq, chain: 0, chainSeq: seq, id: `id-${seq}`, at: 1_700_000_000_000 + seq, tenantId: 'demo', event: 'reset.started', outcome: 'success',
      actor: 'self', subjectId: null, flowId: null, ip: null, userAgent: null, correlationId: null, details: '{}',
    };
    const hash = auditEntryHash(prev, fields);
    entries.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return { entries, heads: new Map([[0, { seq: n, hash: prev }]]) };
}

/** The record in memory, with the same one-running rule as the SQL table; `progress` calls are kept. */
class MemoryRuns implements AuditVerificationRuns {
  readonly rows = new Map<string, AuditVerificationRun>();
  readonly progressCalls: number[] = [];
  async claim(run: AuditVerificationRun, staleBefore: Date, staleProblem: string): Promise<AuditVerificationClaim> {
    for (const row of this.rows.values()) {
      if (row.status === 'running' && row.heartbeatAt < staleBefore) Object.assign(row, { status: 'failed', finishedAt: run.startedAt, firstProblem: staleProblem });
    }
    const running = await this.running();
    if (running) return { claimed: false, running };
    this.rows.set(run.id, { ...run });
    return { claimed: true };
  }
  async progress(id: string, entriesChecked: number, now: Date): Promise<boolean> {
    this.progressCalls.push(entriesChecked);
    const row = this.rows.get(id);
    if (row?.status !== 'running') return false;
    Object.assign(row, { entriesChecked, heartbeatAt: now });
    return true;
  }
  async finish(id: string, outcome: AuditVerificationOutcome, now: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status === 'running') Object.assign(row, outcome, { finishedAt: now });
  }
  async running() {
    return [...this.rows.values()].find((r) => r.status === 'running') ?? null;
  }
  async lastFinished() {
    return [...this.rows.values()].filter((r) => r.status !== 'running').sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0] ?? null;
  }
  async find(id: string) {
    return this.rows.get(id) ?? null;
  }
}

/** A source whose walk waits at entry `holdAt` until `release()` is called. */
function heldSource(log: ReturnType<typeof chain>, holdAt: number): { source: AuditSource; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  let reach!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  return {
    reached,
    release,
    source: {
      heads: async () => log.heads,
      async *entries() {
        for (const entry of log.entries) {
          if (entry.seq === holdAt) {
            reach();
            await gate;
          }
          yield entry;
        }
      },
    },
  };
}

const clock = { now: () => new Date(1_800_000_000_000) };

describe('audit verifications', () => {
  it('reports progress every so many entries and records an intact log with its count', async () => {
    const runs = new MemoryRuns();
    const log = chain(7);
    const service = new AuditVerifications({ runs, clock, source: () => ({ heads: async () => log.heads, entries: async function* () { yield* log.entries; } }), settings: { progressEvery: 3 } });
    const { run, verification } = await service.verifyNow('cli');
    expect(verification).toMatchObject({ ok: true, entries: 7, chains: 1 });
    expect(runs.progressCalls).toEqual([3, 6]);
    expect(run).toMatchObject({ status: 'ok', startedBy: 'cli', entriesChecked: 7, entriesTotal: 7, chains: 1, firstProblem: null });
  });

  it('names the first wrong entry of a broken log', async () => {
    const runs = new MemoryRuns();
    const log = chain(5);
    log.entries[2] = { ...log.entries[2]!, details: '{"changed":true}' };
    const service = new AuditVerifications({ runs, clock, source: () => ({ heads: async () => log.heads, entries: async function* () { yield* log.entries; } }) });
    const { run } = await service.verifyNow('cli');
    expect(run).toMatchObject({ status: 'broken', firstProblem: 'chain 0, seq 3: hash mismatch: the entry was changed or moved after it was written' });
  });

  it('runs one at a time: a second start is refused while the first runs, then allowed', async () => {
    const runs = new MemoryRuns();
    const held = heldSource(chain(4), 2);
    const service = new AuditVerifications({ runs, clock, source: () => held.source });
    const finished: string[] = [];
    const first = await service.start('operator:demo/ada', { onFinished: async (r) => void finished.push(r.status) });
    await held.reached;
    await expect(service.start('operator:demo/bob')).rejects.toMatchObject({ code: 'audit_verification_running', details: { runId: first.id } });
    expect((await service.state()).running).toMatchObject({ id: first.id, status: 'running' });
    held.release();
    await service.idle();
    expect(finished).toEqual(['ok']);
    expect((await service.state())).toMatchObject({ running: null, last: { id: first.id, status: 'ok', entriesChecked: 4 } });
  });

  it('a run that ends while the state is read is the last one, never "none running" beside the run before', async () => {
    const runs = new MemoryRuns();
    const earlier: AuditVerificationRun = {
      id: 'earlier', startedAt: new Date(1_700_000_000_000), finishedAt: new Date(1_700_000_001_000), startedBy: 'cli', status: 'ok', entriesChecked: 4,
      entriesTotal: 4, chains: 1, firstProblem: null, digest: 'd', heartbeatAt: new Date(1_700_000_001_000),
    };
    const running: AuditVerificationRun = { ...earlier, id: 'now', startedAt: clock.now(), finishedAt: null, status: 'running', heartbeatAt: clock.now() };
    const reads = { running: runs.running.bind(runs), lastFinished: runs.lastFinished.bind(runs) };
    // Each read sees the rows as they are when it completes (one of them late, as on a second pool connection);
    // the run ends right after the first read completes.
    for (const late of ['running', 'lastFinished'] as const) {
      runs.rows.set(earlier.id, { ...earlier }).set(running.id, { ...running });
      let completed = 0;
      for (const name of ['running', 'lastFinished'] as const) {
        runs[name] = async () => {
          if (name === late) await new Promise((resolve) => setTimeout(resolve, 5));
          const answer = structuredClone(await reads[name]());
          if (++completed === 1) Object.assign(runs.rows.get('now')!, { status: 'broken', finishedAt: clock.now(), firstProblem: 'chain 0, seq 1: hash mismatch' });
          return answer;
        };
      }
      const state = await new AuditVerifications({ runs, clock, source: () => ({ heads: async () => new Map(), entries: async function* () {} }) }).state();
      if (state.running) expect(state, late).toMatchObject({ running: { id: 'now', status: 'running' }, last: { id: 'earlier' } });
      else expect(state.last, late).toMatchObject({ id: 'now', status: 'broken' });
    }
  });

  it('closing stops a run in the walk and records it as failed', async () => {
    const runs = new MemoryRuns();
    const held = heldSource(chain(4), 3);
    const service = new AuditVerifications({ runs, clock, source: () => held.source });
    const run = await service.start('operator:demo/ada');
    await held.reached;
    const closed = service.close();
    held.release();
    await closed;
    expect(await runs.find(run.id)).toMatchObject({ status: 'failed', firstProblem: expect.stringMatching(/stopped before the end/) });
  });

  it('a run failed by another node as stale stops at its next progress', async () => {
    const runs = new MemoryRuns();
    const held = heldSource(chain(6), 2);
    const service = new AuditVerifications({ runs, clock, source: () => held.source, settings: { progressEvery: 1 } });
    const run = await service.start('operator:demo/ada');
    await held.reached;
    Object.assign(runs.rows.get(run.id)!, { status: 'failed', firstProblem: 'stale' });
    held.release();
    await service.idle();
    expect(runs.progressCalls).toEqual([1, 2]);
    expect(await runs.find(run.id)).toMatchObject({ status: 'failed', firstProblem: 'stale' });
  });
});
