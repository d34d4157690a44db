import { describe, expect, it } from 'vitest';
import type { Operator } from '../../src/core/admin/operator.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { Store, StoreTx } from '../../src/core/ports/store.js';
import type { ResetFlowRecord } from '../../src/core/reset/reset-flow-record.js';
import { ReviewDecisions } from '../../src/core/risk/review-decisions.js';
import type { ReviewNoticeDeps } from '../../src/core/risk/review-notice.js';
import type { ReviewQueue } from '../../src/core/risk/review-types.js';
import type { OutboxMessageInput } from '../../src/core/ports/outbox.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { DEFAULT_TENANT_POLICY } from '../../src/core/policy/method-policy.js';

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
function world(flow: ResetFlowRecord, notices?: ReviewNoticeDeps) {
  let stored = flow;
  const entries: AuditEntryInput[] = [];
  const mails: OutboxMessageInput[] = [];
  const tx = {
    flows: { update: async (next: ResetFlowRecord, expected: number) => (stored.version === expected ? ((stored = next), true) : false) },
    audit: { append: async (entry: AuditEntryInput) => void entries.push(entry) },
    outbox: { enqueue: async (message: OutboxMessageInput) => void mails.push(message) },
  } as unknown as StoreTx;
  const store = { transaction: async <T>(work: (t: StoreTx) => Promise<T>) => work(tx) } as unknown as Store;
  const queue: ReviewQueue = {
    pending: async () => [{ flow: stored, ip: null, heldAt: NOW }],
    get: async (tenantId, id) => (tenantId === stored.tenantId && id === stored.id ? stored : null),
    countPending: async () => ({}),
  };
  const decisions = new ReviewDecisions({ store, queue, clock: { now: () => NOW }, settings: { passwordStepTtlSeconds: 600 }, ...(notices ? { notices } : {}) });
  return { decisions, entries, mails, current: () => stored };
}

const decide = (w: ReturnType<typeof world>, verdict: 'approve' | 'reject', note = 'called back', who: Operator = operator, tenantId = 't1') =>
  w.decisions.decide({ operator: who, client, tenantId, flowId: 'f1', verdict, note });

/** Where notices go: Alice's directory mailbox (the default policy trusts it), or a directory that is down. */
function notices(directoryDown = false): ReviewNoticeDeps {
  const alice = { id: 'alice', tenantId: 't1', username: 'alice', displayName: 'Alice Archer', email: 'alice@example.com', enabled: true, groups: [] } as unknown as DirectoryAccount;
  return {
    directory: { findById: async () => { if (directoryDown) throw new Error('directory down'); return alice; } },
    methods: { listForSubject: async () => [] },
    tenants: { get: () => ({ id: 't1', name: 'Tenant One' }) } as unknown as ReviewNoticeDeps['tenants'],
    policyFor: () => DEFAULT_TENANT_POLICY,
  };
}

describe('review decisions', () => {
  it('queues the person\'s notice with the decision, in the language they started in, and counts it in the audit entry', async () => {
    const w = world(heldFlow({ lang: 'de' }), notices());
    expect(await decide(w, 'approve')).toEqual({ ok: true });
    expect(w.mails).toEqual([expect.objectContaining({
      channel: 'email', template: 'review_decided', to: 'alice@example.com', flowId: 'f1', subjectId: 'alice', idempotencyKey: 'review:f1:0',
      data: expect.objectContaining({ verdict: 'approve', purpose: 'reset', lang: 'de', tenantName: 'Tenant One', expiresAt: new Date(NOW.getTime() + 600_000).toISOString() }),
    })]);
    expect(w.entries[0]?.details).toMatchObject({ mailed: 1 });
  });

  it('takes the decision when the directory cannot be read for the notice, and says so in the audit entry', async () => {
    const w = world(heldFlow(), notices(true));
    expect(await decide(w, 'reject', 'not her')).toEqual({ ok: true });
    expect(w.current().state).toBe('rejected');
    expect(w.mails).toEqual([]);
    expect(w.entries[0]?.details).toMatchObject({ mailed: 'unavailable' });
  });

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
