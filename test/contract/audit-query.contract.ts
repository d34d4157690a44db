import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditSearch } from '../../src/adapters/store/audit-search.js';
import { UnlatchError } from '../../src/core/errors.js';
import type { AuditEntryInput, AuditEvent, AuditOutcome } from '../../src/core/ports/audit.js';
import type { AuditFilter, AuditRecord } from '../../src/core/ports/audit-query.js';
import { auditOverviewContract } from './audit-overview.contract.js';
import { auditEntry, openSeedDb, type AuditTarget, type SeedDb } from './audit-seed.js';

const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
const EVENTS: AuditEvent[] = ['reset.started', 'reset.code_verified', 'reset.code_failed', 'reset.completed', 'account.unlocked', 'signin.failed', 'method.added', 'password.changed'];
const OUTCOMES: AuditOutcome[] = ['success', 'failure', 'denied', 'decoy'];

/** A small deterministic generator (mulberry32), so every run seeds the same log. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
}

/** What a stored entry should be, for filtering in the test (independent of the adapter under test). */
interface Seeded {
  seq: number;
  at: number;
  input: AuditEntryInput;
}

/** The AuditQuery port's contract: search paging, every filter, streaming, get, bad input. Plus the overview's. */
export function auditQueryContract(target: AuditTarget, available: () => boolean): void {
  describe.runIf(available())(`AuditQuery contract on ${target.name}`, () => {
    let seed: SeedDb;
    let search: SqlAuditSearch;
    const seeded: Seeded[] = [];

    beforeAll(async () => {
      seed = await openSeedDb(target);
      search = new SqlAuditSearch(seed.handle.db, { streamPageSize: 5 });
      const pick = prng(7);
      for (let i = 0; i < 90; i += 1) {
        // One to three entries per transaction: entries of one transaction share their instant (ties by seq).
        const batch = Array.from({ length: 1 + pick(3) }, () => {
          const tenantId = pick(5) === 4 ? 'other' : 'acme';
          return auditEntry(EVENTS[pick(EVENTS.length)]!, {
            tenantId,
            outcome: OUTCOMES[pick(OUTCOMES.length)]!,
            subjectId: pick(4) === 0 ? null : `u${pick(6)}`,
            ip: pick(5) === 0 ? null : `10.0.0.${pick(4)}`,
            actor: ['self', 'self', 'system', 'op-alice'][pick(4)]!,
            flowId: pick(3) === 0 ? null : `flow-${pick(10)}`,
            details: { n: i, text: 'a, "quoted" value' },
          });
        });
        await seed.append(T0 + i * 60_000, ...batch);
      }
      const rows = await seed.handle.db.selectFrom('audit_log').select(['seq', 'at', 'tenant_id', 'event', 'outcome', 'actor', 'subject_id', 'flow_id', 'ip']).execute();
      for (const row of rows) {
        seeded.push({
          seq: Number(row.seq),
          at: Number(row.at),
          input: auditEntry(row.event as AuditEvent, { tenantId: row.tenant_id, outcome: row.outcome as AuditOutcome, actor: row.actor, subjectId: row.subject_id, flowId: row.flow_id, ip: row.ip }),
        });
      }
    });
    afterAll(async () => {
      await seed?.close();
    });

    const newestFirst = (a: Seeded, b: Seeded) => b.at - a.at || b.seq - a.seq;
    function expected(filter: AuditFilter): number[] {
      const events = !filter.event || filter.event.length === 0 ? null : typeof filter.event === 'string' ? [filter.event] : filter.event;
      return seeded
        .filter(({ at, input: e }) =>
          e.tenantId === filter.tenantId &&
          (!filter.subjectId || e.subjectId === filter.subjectId) &&
          (!events || events.some((ev) => (ev.endsWith('.') ? e.event.startsWith(ev) : e.event === ev))) &&
          (!filter.outcome || e.outcome === filter.outcome) &&
          (!filter.ip || e.ip === filter.ip) &&
          (!filter.flowId || e.flowId === filter.flowId) &&
          (!filter.actor || e.actor === filter.actor) &&
          (!filter.from || at >= filter.from.getTime()) &&
          (!filter.to || at < filter.to.getTime()),
        )
        .sort(newestFirst)
        .map((s) => s.seq);
    }

    async function allPages(filter: AuditFilter, limit: number, between?: () => Promise<void>): Promise<AuditRecord[]> {
      const seen: AuditRecord[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 500; pages += 1) {
        const page = await search.search(filter, { after, limit });
        expect(page.entries.length).toBeLessThanOrEqual(limit);
        seen.push(...page.entries);
        if (page.next === null) return seen;
        after = page.next;
        await between?.();
      }
      throw new Error('paging did not end');
    }

    it('seeds a log with ties (entries of one transaction share their instant)', () => {
      expect(seeded.length).toBeGreaterThan(150);
      expect(new Set(seeded.map((s) => s.at)).size).toBeLessThan(seeded.length);
    });

    it('pages newest first, visiting every matching entry exactly once while new entries are appended between pages', async () => {
      const before = expected({ tenantId: 'acme' });
      let extra = 0;
      const seen = await allPages({ tenantId: 'acme' }, 7, async () => {
        extra += 1;
        await seed.append(T0 + 1_000 * 60_000 + extra, auditEntry('reset.started', { details: { late: extra } }), auditEntry('signin.failed'));
      });
      expect(extra).toBeGreaterThan(5);
      expect(seen.map((r) => r.seq)).toEqual(before);
      // The entries appended meanwhile are newer than the first page: the next search from the top shows them.
      const top = await search.search({ tenantId: 'acme' }, { limit: 2 * extra });
      expect(top.entries.every((r) => r.at.getTime() > T0 + 999 * 60_000)).toBe(true);
      const rows = await seed.handle.db.selectFrom('audit_log').select(['seq', 'at', 'event', 'tenant_id', 'outcome', 'actor', 'subject_id', 'flow_id', 'ip']).where('at', '>', T0 + 999 * 60_000).execute();
      for (const row of rows) seeded.push({ seq: Number(row.seq), at: Number(row.at), input: auditEntry(row.event as AuditEvent, { tenantId: row.tenant_id, outcome: row.outcome as AuditOutcome, actor: row.actor }) });
    });

    const from = new Date(T0 + 20 * 60_000);
    const to = new Date(T0 + 61 * 60_000);
    const filters: Array<[string, Omit<AuditFilter, 'tenantId'>]> = [
      ['person', { subjectId: 'u1' }],
      ['one event', { event: 'reset.started' }],
      ['several events', { event: ['reset.started', 'account.unlocked'] }],
      ['an event prefix', { event: 'reset.' }],
      ['a prefix and an event', { event: ['reset.', 'method.added'] }],
      ['outcome', { outcome: 'failure' }],
      ['IP', { ip: '10.0.0.2' }],
      ['flow id', { flowId: 'flow-3' }],
      ['actor', { actor: 'op-alice' }],
      ['time range', { from, to }],
      ['only from', { from: to }],
      ['person, prefix and time', { subjectId: 'u2', event: 'reset.', from }],
      ['IP and outcome', { ip: '10.0.0.1', outcome: 'success' }],
      ['several events and an actor', { event: ['reset.code_verified', 'signin.failed', 'password.changed'], actor: 'self', to }],
      ['an event never written', { event: 'directory.ambiguous_match' }],
      ['a prefix never written', { event: 'nosuch.' }],
      ['blank fields (as a form sends them)', { subjectId: '', ip: '', event: '', actor: null }],
    ];
    for (const [name, filter] of filters) {
      it(`filters by ${name}, page by page and in one page`, async () => {
        const want = expected({ tenantId: 'acme', ...filter });
        if (!name.includes('never')) expect(want.length).toBeGreaterThan(0);
        expect((await allPages({ tenantId: 'acme', ...filter }, 3)).map((r) => r.seq)).toEqual(want);
        const one = await search.search({ tenantId: 'acme', ...filter }, { limit: 1000 });
        expect(one.entries.map((r) => r.seq)).toEqual(want);
        expect(one.next).toBeNull();
      });
    }

    it('never shows another tenant’s entries', async () => {
      const seen = await allPages({ tenantId: 'other' }, 50);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.tenantId === 'other')).toBe(true);
      expect(seen.map((r) => r.seq)).toEqual(expected({ tenantId: 'other' }));
      expect((await search.search({ tenantId: 'nobody' }, { limit: 10 })).entries).toEqual([]);
    });

    it('streams every matching entry, newest first, across many internal pages', async () => {
      for (const filter of [{ tenantId: 'acme' }, { tenantId: 'acme', event: ['reset.', 'method.added'] }, { tenantId: 'acme', subjectId: 'u3' }]) {
        const streamed: number[] = [];
        for await (const record of search.stream(filter)) streamed.push(record.seq);
        expect(streamed).toEqual(expected(filter));
      }
    });

    it('gets one entry by id in its tenant only, in readable form', async () => {
      const [newest] = (await search.search({ tenantId: 'acme', event: 'reset.started', from: new Date(T0), to: new Date(T0 + 500 * 60_000) }, { limit: 1 })).entries;
      const record = await search.get('acme', newest!.id);
      expect(record).toEqual(newest);
      expect(record!.at).toBeInstanceOf(Date);
      expect(record!.details).toMatchObject({ text: 'a, "quoted" value' });
      expect(record!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await search.get('other', newest!.id)).toBeNull();
      expect(await search.get('acme', 'no-such-id')).toBeNull();
    });

    const bad: Array<[string, () => Promise<unknown>]> = [
      ['a cursor that is not base64url', () => search.search({ tenantId: 'acme' }, { after: 'not a cursor!', limit: 5 })],
      ['a cursor of the wrong shape', () => search.search({ tenantId: 'acme' }, { after: Buffer.from('12:abc').toString('base64url'), limit: 5 })],
      ['a cursor with three parts', () => search.search({ tenantId: 'acme' }, { after: Buffer.from('1:2:3').toString('base64url'), limit: 5 })],
      ['a limit of 0', () => search.search({ tenantId: 'acme' }, { limit: 0 })],
      ['a fractional limit', () => search.search({ tenantId: 'acme' }, { limit: 1.5 })],
      ['a limit above the maximum', () => search.search({ tenantId: 'acme' }, { limit: 1001 })],
      ['an unknown outcome', () => search.search({ tenantId: 'acme', outcome: 'maybe' as AuditOutcome }, { limit: 5 })],
      ['a malformed event', () => search.search({ tenantId: 'acme', event: 'Reset.Started' }, { limit: 5 })],
      ['too many events', () => search.search({ tenantId: 'acme', event: Array.from({ length: 65 }, (_, i) => `e${i}`) }, { limit: 5 })],
      ['an invalid date', () => search.search({ tenantId: 'acme', from: new Date('nope') }, { limit: 5 })],
      ['no tenant', () => search.search({ tenantId: '' }, { limit: 5 })],
      ['a non-string filter value', () => search.search({ tenantId: 'acme', ip: ['10.0.0.1'] as unknown as string }, { limit: 5 })],
    ];
    for (const [name, call] of bad) {
      it(`refuses ${name} with invalid_request`, async () => {
        const error = await call().then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(UnlatchError);
        expect((error as UnlatchError).code).toBe('invalid_request');
      });
    }

    it('refuses a bad filter when a stream is asked for, before any read', () => {
      expect(() => search.stream({ tenantId: 'acme', outcome: 'nope' as AuditOutcome })).toThrow(UnlatchError);
    });
  });

  auditOverviewContract(target, available);
}
