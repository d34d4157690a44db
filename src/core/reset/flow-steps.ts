import { selfEntry } from '../audit/self-entry.js';
import { refusalKey, type RefusalDigest } from '../audit/refusal-digest.js';
import { flowDetails } from './canary-accounts.js';
import { hashHandle } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import { ProofFailureCap } from '../proof-failure-cap.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { LimitBucket, Limiter } from '../ports/limiter.js';
import type { Store, StoreTx } from '../ports/store.js';
import type { FlowPurpose, ResetFlowRecord } from './reset-flow-record.js';
import { LIVE_STATES, nextState, type ResetEvent } from './reset-states.js';
import { resetRefusal, type ResetRefusal } from './reset-eligibility.js';

/** Tries of a start whose insert lost the race to another start for the same account (see transactionAsOnlyLive). */
const MAX_START_ROUNDS = 16;

/** Who presents a proof to a flow, and with which method: for the entry a refused (dead) flow gets. */
export interface ProofRefusal {
  client: ClientInfo;
  method: string;
}

export interface FlowStepsDeps {
  store: Store;
  clock: Clock;
  limiter: Limiter;
  observer: FlowObserver;
  policyFor: (tenantId: string) => TenantPolicy;
  /** Folds a flood's repeated refusals into one entry per key and window (absent: one entry per refusal). */
  refusals?: RefusalDigest;
}

/**
 * What every step of a flow does around its own logic: load the flow (one answer for missing, expired,
 * superseded and finished alike), ask the transition table, save with an optimistic version check together
 * with its audit entries, and spend rate-limit buckets.
 */
export class FlowSteps {
  /** Consecutive failed proofs per account, across flows, methods and spellings. */
  readonly cap: ProofFailureCap;

  constructor(private readonly deps: FlowStepsDeps) {
    this.cap = new ProofFailureCap(deps.limiter);
  }

  /**
   * Loads a live flow or fails with `flow_invalid`. With `refusal` (a proof is being presented), a flow that
   * exists but is expired, superseded or finished is audited as a failed proof with its reason first.
   */
  async load(flowId: string, refusal?: ProofRefusal): Promise<ResetFlowRecord> {
    if (flowId.length === 0 || flowId.length > 128) throw new UnlatchError('flow_invalid');
    const flow = await this.deps.store.flows.findByHandleHash(hashHandle(flowId));
    if (!flow || !LIVE_STATES.includes(flow.state) || this.expired(flow)) return this.refuseDead(flow, refusal);
    return flow;
  }

  /**
   * The flow an emailed link belongs to, while the link is unspent and the flow waits for a proof; `flow_invalid`
   * otherwise. With `refusal` (the link is being confirmed), an expired link is audited first.
   */
  async loadByLink(token: string, refusal?: ProofRefusal): Promise<ResetFlowRecord> {
    if (token.length === 0 || token.length > 128) throw new UnlatchError('flow_invalid');
    const flow = await this.deps.store.flows.findByLinkHash(hashHandle(token));
    const waitsForProof = flow?.state === 'awaiting_code' || flow?.state === 'awaiting_second_proof';
    // A decoy flow never mailed a link: its hash is never found, so it is never audited here either.
    if (!flow || flow.decoy || !waitsForProof || this.expired(flow)) return this.refuseDead(flow?.decoy ? null : flow, refusal);
    return flow;
  }

  private expired(flow: ResetFlowRecord): boolean {
    return flow.expiresAt.getTime() <= this.deps.clock.now().getTime();
  }

  /**
   * ASVS 5.0 V16.3.1: a code or link used after it expired is a refusal worth an entry (reason `expired`), each
   * time. A live flow found past its expiry is marked expired with the first one. Superseded and finished flows
   * already have the entry that ended them; an unknown handle has no flow to name (the IP bucket counted it).
   */
  private async refuseDead(flow: ResetFlowRecord | null, refusal: ProofRefusal | undefined): Promise<never> {
    // Only expiry: a live flow refused for another reason (a link at the wrong step) is left as it is.
    const live = flow !== null && LIVE_STATES.includes(flow.state) && this.expired(flow);
    if (flow && refusal && (live || flow.state === 'expired')) {
      const reason = 'expired';
      const entry = selfEntry('reset.code_failed', flow.decoy ? 'decoy' : 'failure', flow.tenantId, flow.subjectId, flow.id, refusal.client, flowDetails(flow, { method: refusal.method, reason }));
      const now = this.deps.clock.now();
      try {
        if (live) await this.save(flow, this.advance(flow, 'expire', now, {}), [entry]);
        else await this.auditAlone(entry);
      } catch (error) {
        // Someone else moved the flow on meanwhile: the refusal is still worth its entry.
        if (!(error instanceof UnlatchError && error.code === 'conflict')) throw error;
        await this.auditAlone(entry);
      }
      this.deps.observer.observe('reset.code_failed', { tenantId: flow.tenantId, outcome: 'failure', reason, canary: flow.canary });
    }
    throw new UnlatchError('flow_invalid');
  }

  advance(flow: ResetFlowRecord, event: ResetEvent, now: Date, changes: Partial<ResetFlowRecord>): ResetFlowRecord {
    const state = nextState(flow.state, event);
    if (!state) throw new UnlatchError('flow_wrong_step');
    return { ...flow, ...changes, state, updatedAt: now, version: flow.version + 1 };
  }

  /** Saves the transition if nobody else did first; audit entries and extra work share its transaction. */
  async save(before: ResetFlowRecord, after: ResetFlowRecord, entries: AuditEntryInput[], extra?: (tx: StoreTx) => Promise<void>): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.flows.update(after, before.version))) throw new UnlatchError('conflict');
      for (const entry of entries) await tx.audit.append(entry);
      // Last, so a directory write in `extra` comes after every statement that could still fail on its own
      // merits (the store chains the audit entries just before the commit; only an outage can fail there, as at the commit).
      if (extra) await extra(tx);
    });
  }

  /**
   * Runs a start's transaction (supersede, then insert), again when the store refused the insert because a
   * start for the same account on another node committed its live flow meanwhile (the store's one-live-flow
   * constraint, `conflict` with reason `live_flow`): the retry supersedes that flow in turn. Each round one
   * racer wins, so a few rounds settle any realistic burst.
   */
  async transactionAsOnlyLive(work: (tx: StoreTx) => Promise<void>): Promise<void> {
    for (let round = 1; ; round += 1) {
      try {
        await this.deps.store.transaction(work);
        return;
      } catch (error) {
        const lostRace = error instanceof UnlatchError && error.code === 'conflict' && error.details?.reason === 'live_flow';
        if (!lostRace || round >= MAX_START_ROUNDS) throw error;
      }
    }
  }

  /** Spends the buckets; on the first exhausted one: audit, count, and refuse with Retry-After. */
  async enforce(checks: ReadonlyArray<readonly [LimitBucket, string]>, tenantId: string | null, flow: ResetFlowRecord | null, client: ClientInfo): Promise<void> {
    const denied = await firstExhausted(this.deps.limiter, checks);
    if (!denied) return;
    // Before a flow is loaded the tenant is not known yet; the audit entry says so.
    const tenant = tenantId ?? '-';
    await this.auditRefusal(selfEntry('reset.rate_limited', 'denied', tenant, flow?.subjectId ?? null, flow?.id ?? null, client, flowDetails(flow, { bucket: denied.bucket })));
    this.deps.observer.observe('reset.rate_limited', { tenantId: tenant, outcome: 'denied', reason: denied.bucket, canary: flow?.canary });
    throw rateLimitedError(denied.retryAfterSeconds);
  }

  /** The per-account limit key of a flow (`accountLimitKey`, the same for every spelling and for decoys). */
  limitKey(flow: ResetFlowRecord): string {
    return `${flow.tenantId}:${flow.rateKey}`;
  }

  /**
   * Refuses a proof while the account's proofs are paused (`proof_failures`): the same `rate_limited` answer,
   * audit entry and metric as any other limit of the flow, for real and decoy flows alike.
   */
  async enforceProofCap(flow: ResetFlowRecord, client: ClientInfo): Promise<void> {
    const retryAfter = await this.cap.pausedFor(this.limitKey(flow));
    if (retryAfter === null) return;
    await this.auditRefusal(selfEntry('reset.rate_limited', 'denied', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { bucket: 'proof_failures' })));
    this.deps.observer.observe('reset.rate_limited', { tenantId: flow.tenantId, outcome: 'denied', reason: 'proof_failures', canary: flow.canary });
    throw rateLimitedError(retryAfter);
  }

  async auditAlone(entry: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(entry));
  }

  /**
   * A rate-limit refusal's entry: through the digest when there is one, so a flood of refusals from one address
   * costs one entry per window (plus one with the count), not one transaction per request.
   */
  private async auditRefusal(entry: AuditEntryInput): Promise<void> {
    const entries = this.deps.refusals ? this.deps.refusals.admit(refusalKey(entry), entry, this.deps.clock.now().getTime()) : [entry];
    await this.auditAll(entries);
  }

  /** Writes the digest's summaries of windows that have closed (`all`: every open one, at shutdown). */
  async writeRefusalSummaries(all = false): Promise<number> {
    const entries = this.deps.refusals?.drain(all ? Number.POSITIVE_INFINITY : this.deps.clock.now().getTime()) ?? [];
    await this.auditAll(entries);
    return entries.length;
  }

  private async auditAll(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.deps.store.transaction(async (tx) => {
      for (const entry of entries) await tx.audit.append(entry);
    });
  }

  /**
   * Why an account gets a decoy instead of a real flow, or null when it may go on. `hasAddress`: somewhere
   * to mail the code. An unlock flow also needs the policy to allow unlocking.
   */
  refusalOf(account: DirectoryAccount | null, hasAddress: boolean, purpose: FlowPurpose): ResetRefusal | null {
    return resetRefusal(account, this.deps.policyFor, hasAddress, purpose);
  }
}
