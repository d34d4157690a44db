import { describe, expect, it } from 'vitest';
import type { Operator } from '../../src/core/admin/operator.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { Store, StoreTx } from '../../src/core/ports/store.js';
import type { ResetFlowRecord } from '../../src/core/reset/reset-flow-record.js';
import { ReviewDecisions } from '../../src/core/risk/review-decisions.js';
import type { ReviewQueue } from '../../src/core/risk/review-types.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const client = { ip: '192.0.2.7', userAgent: 'test', correlationId: 'c1' };
const operator: Operator = { kind: 'session', id: 's1', homeTenantId: 't1', subjectId: 'op-1', username: 'opal', displayName: 'Opal', via: 'password', grants: { t1: ['helpdesk'] } };

function heldFlow(changes: Partial<ResetFlowRecord> = {}): ResetFlowRecord {
  return {
    id: 'f1', handleHash: 'h', tenantId: 't1', subjectId: 'alice', decoy: false, supersedeKey: 'alice', rateKey: 'alice', state: 'awaiting_review',
    codeHash: 'code', codeKeyId: 'k', attempts: 0, proven: ['email_code'], smsCodeHash: null, smsCodeKeyId: null, smsMethodId: null, smsCodeExpiresAt: null,
    linkHash: 'link', purpose: 'reset', risk: { score: 90, action: 'hold', reasons: [] },
    expiresAt: new Date(NOW.getTime() + 3600_000), createdAt: NOW, updatedAt: NOW, version: 3, ...changes,
  };
}

/** One flow in memory, updated with the optimistic version check; the entries each transaction appended. */
function world(flow: ResetFlowRecord) {
  let stored = flow;
  const entries: AuditEntryInput[] = [];
  const tx = {
    flows: { update: async (next: ResetFlowRecord, expected: number) => (stored.version === expected ? ((stored = next), true) : false) },
    audit: { append: async (entry: AuditEntryInput) => void entries.push(entry) },
  } as unknown as StoreTx;
  const store = { transaction: async <T>(work: (t: StoreTx) => Promise<T>) => work(tx) } as unknown as Store;
  const queue: ReviewQueue = {
    pending: async () => [{ flow: stored, ip: null, heldAt: NOW }],
    get: async (tenantId, id) => (tenantId === stored.tenantId && id === stored.id ? stored : null),
    countPending: async () => ({}),
  };
  const decisions = new ReviewDecisions({ store, queue, clock: { now: () => NOW }, settings: { passwordStepTtlSeconds: 600 } });
  return { decisions, entries, current: () => stored };
}

const decide = (w: ReturnType<typeof world>, verdict: 'approve' | 'reject', note = 'called back', who: Operator = operator, tenantId = 't1') =>
  w.decisions.decide({ operator: who, client, tenantId, flowId: 'f1', verdict, note });

describe('review decisions', () => {
  it('approves to the password step, whose TTL starts now, audited with the operator, note and flow id', async () => {
    const w = world(heldFlow());
    expect(await decide(w, 'approve', '  called back on the desk phone  ')).toEqual({ ok: true });
    expect(w.current()).toMatchObject({ state: 'awaiting_password', version: 4, expiresAt: new Date(NOW.getTime() + 600_000) });
    expect(w.entries).toEqual([expect.objectContaining({ event: 'reset.review_approved', outcome: 'success', actor: 'operator:t1/opal', flowId: 'f1', subjectId: 'alice', details: expect.objectContaining({ note: 'called back on the desk phone', flowId: 'f1', score: 90 }) })]);
  });

  it('approves an unlock flow to the unlock step', async () => {
    const w = world(heldFlow({ purpose: 'unlock' }));
    await decide(w, 'approve');
    expect(w.current().state).toBe('awaiting_unlock');
  });

  it('rejects into a terminal state and drops the flow\'s secrets', async () => {
    const w = world(heldFlow());
    expect(await decide(w, 'reject', 'not her')).toEqual({ ok: true });
    expect(w.current()).toMatchObject({ state: 'rejected', codeHash: null, linkHash: null, smsCodeHash: null });
    expect(w.entries[0]).toMatchObject({ event: 'reset.review_rejected', outcome: 'success' });
  });

  it('needs a note, and changes nothing without one', async () => {
    const w = world(heldFlow());
    expect(await decide(w, 'approve', '   ')).toEqual({ ok: false, reason: 'note_missing' });
    expect(w.current().state).toBe('awaiting_review');
    expect(w.entries).toEqual([]);
  });

  it('refuses the operator\'s own account, audited as denied', async () => {
    const w = world(heldFlow({ subjectId: 'op-1' }));
    expect(await decide(w, 'approve')).toEqual({ ok: false, reason: 'own_account' });
    expect(w.current().state).toBe('awaiting_review');
    expect(w.entries).toEqual([expect.objectContaining({ event: 'reset.review_approved', outcome: 'denied', details: expect.objectContaining({ reason: 'own_account' }) })]);
    // The same account id in another tenant is another person.
    expect(await decide(world(heldFlow({ subjectId: 'op-1', tenantId: 't2' })), 'approve', 'ok', operator, 't2')).toEqual({ ok: true });
  });

  it('answers gone for a flow not waiting: run out, decided, another tenant\'s or unknown', async () => {
    expect(await decide(world(heldFlow({ expiresAt: NOW })), 'approve')).toEqual({ ok: false, reason: 'gone' });
    expect(await decide(world(heldFlow({ state: 'awaiting_password' })), 'reject')).toEqual({ ok: false, reason: 'gone' });
    expect(await decide(world(heldFlow()), 'approve', 'ok', operator, 't2')).toEqual({ ok: false, reason: 'gone' });
  });
});
