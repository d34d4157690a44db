import { selfEntry } from '../audit/self-entry.js';
import { hashHandle } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { LimitBucket, Limiter } from '../ports/limiter.js';
import type { Store, StoreTx } from '../ports/store.js';
import type { FlowPurpose, ResetFlowRecord } from './reset-flow-record.js';
import { LIVE_STATES, nextState, type ResetEvent } from './reset-states.js';

export interface FlowStepsDeps {
  store: Store;
  clock: Clock;
  limiter: Limiter;
  observer: FlowObserver;
  policyFor: (tenantId: string) => TenantPolicy;
}

/**
 * What every step of a flow does around its own logic: load the flow (one answer for missing, expired,
 * superseded and finished alike), ask the transition table, save with an optimistic version check together
 * with its audit entries, and spend rate-limit buckets.
 */
export class FlowSteps {
  constructor(private readonly deps: FlowStepsDeps) {}

  /** Loads a live flow or fails with `flow_invalid`. */
  async load(flowId: string): Promise<ResetFlowRecord> {
    if (flowId.length === 0 || flowId.length > 128) throw new UnlatchError('flow_invalid');
    const flow = await this.deps.store.flows.findByHandleHash(hashHandle(flowId));
    if (!flow || !LIVE_STATES.includes(flow.state) || flow.expiresAt.getTime() <= this.deps.clock.now().getTime()) {
      throw new UnlatchError('flow_invalid');
    }
    return flow;
  }

  /** The flow an emailed link belongs to, while the link is unspent and the flow waits for a proof; `flow_invalid` otherwise. */
  async loadByLink(token: string): Promise<ResetFlowRecord> {
    if (token.length === 0 || token.length > 128) throw new UnlatchError('flow_invalid');
    const flow = await this.deps.store.flows.findByLinkHash(hashHandle(token));
    const waitsForProof = flow?.state === 'awaiting_code' || flow?.state === 'awaiting_second_proof';
    if (!flow || flow.decoy || !waitsForProof || flow.expiresAt.getTime() <= this.deps.clock.now().getTime()) {
      throw new UnlatchError('flow_invalid');
    }
    return flow;
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
      // Last, so a directory write in `extra` comes after every statement that could still fail.
      if (extra) await extra(tx);
    });
  }

  /** Spends the buckets; on the first exhausted one: audit, count, and refuse with Retry-After. */
  async enforce(checks: ReadonlyArray<readonly [LimitBucket, string]>, tenantId: string | null, flow: ResetFlowRecord | null, client: ClientInfo): Promise<void> {
    const denied = await firstExhausted(this.deps.limiter, checks);
    if (!denied) return;
    // Before a flow is loaded the tenant is not known yet; the audit entry says so.
    const tenant = tenantId ?? '-';
    await this.auditAlone(selfEntry('reset.rate_limited', 'denied', tenant, flow?.subjectId ?? null, flow?.id ?? null, client, { bucket: denied.bucket }));
    this.deps.observer.observe('reset.rate_limited', { tenantId: tenant, outcome: 'denied', reason: denied.bucket });
    throw rateLimitedError(denied.retryAfterSeconds);
  }

  async auditAlone(entry: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(entry));
  }

  /**
   * Why an account gets a decoy instead of a real flow, or null when it may go on. `hasAddress`: somewhere
   * to mail the code. An unlock flow also needs the policy to allow unlocking.
   */
  refusalOf(account: DirectoryAccount | null, hasAddress: boolean, purpose: FlowPurpose): string | null {
    if (!account) return 'unknown_account';
    if (!account.enabled) return 'disabled';
    const decision = decidePolicy(this.deps.policyFor(account.tenantId), account);
    if (!decision.ssprEnabled) return decision.reason === 'excluded' ? 'excluded' : 'sspr_disabled';
    if (purpose === 'unlock' && !decision.unlockEnabled) return 'unlock_disabled';
    if (!hasAddress) return 'no_method';
    return null;
  }
}
