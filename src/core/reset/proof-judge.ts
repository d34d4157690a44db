import { selfEntry } from '../audit/self-entry.js';
import { UnlatchError } from '../errors.js';
import { methodFamily, proofsSatisfy } from '../policy/method-policy.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { FlowSteps } from './flow-steps.js';
import type { ProofInput, ResetProofMethod, VerifyCodeResult } from './proof-types.js';
import type { ResetFlowRecord } from './reset-flow-record.js';
import type { ResetProofs } from './reset-proofs.js';
import type { ResetSettings } from './reset-settings.js';
import { flowDetails } from './canary-accounts.js';
import { DEFAULT_REVIEW_TTL_SECONDS, proofsCompleteEvent, type ReviewSettings } from '../risk/review-settings.js';
import { isSteppedUp } from '../risk/step-up.js';

export interface ProofJudgeDeps {
  clock: Clock;
  observer: FlowObserver;
  settings: ResetSettings;
  /** How long a flow held for review (risk action `hold`) waits for an operator; 24 hours when absent. */
  review?: ReviewSettings;
}

/**
 * Judges one proof presented to a loaded flow and moves the flow on: the per-flow attempts, the per-account
 * failure cap (`proof_failures`, across flows, methods and spellings), and the audit entries of both.
 */
export class ProofJudge {
  constructor(
    private readonly deps: ProofJudgeDeps,
    private readonly steps: FlowSteps,
    private readonly proofs: ResetProofs,
  ) {}

  /** `onSuccess` holds changes that only a good proof makes (a new handle, for a confirmed link). */
  async judge(flow: ResetFlowRecord, input: ProofInput & { method: ResetProofMethod }, client: ClientInfo, onSuccess: Partial<ResetFlowRecord>): Promise<VerifyCodeResult> {
    const { clock, settings } = this.deps;
    const method = input.method;
    if (flow.state !== 'awaiting_code' && flow.state !== 'awaiting_second_proof') throw new UnlatchError('flow_wrong_step');
    await this.steps.enforce([['verify_identifier', this.steps.limitKey(flow)]], flow.tenantId, flow, client);
    // Before the proof is even looked at: once the account's proofs are paused, the right code is refused too.
    await this.steps.enforceProofCap(flow, client);

    const proof = await this.proofs.prove(flow, input, client);
    const now = clock.now();

    if (proof.ok) {
      const proven = [...flow.proven, method];
      const done = proofsSatisfy(proof.decision, proven);
      // Complete proofs of a flow the risk engine said to hold wait for an operator; the password step's TTL starts at approval.
      const finalEvent = proofsCompleteEvent(flow);
      const held = done && finalEvent === 'hold_for_review';
      const stepTtl = held ? (this.deps.review?.ttlSeconds ?? DEFAULT_REVIEW_TTL_SECONDS) : settings.passwordStepTtlSeconds;
      const next = this.steps.advance(flow, done ? finalEvent : 'proof_partial', now, {
        ...onSuccess,
        proven,
        // The mailbox is one family: once its code or link has proven something, neither works again.
        ...(methodFamily(method) === 'email' ? { codeHash: null, codeKeyId: null, linkHash: null } : {}),
        ...(method === 'sms_code' ? { smsCodeHash: null, smsCodeKeyId: null, smsMethodId: null, smsCodeExpiresAt: null } : {}),
        attempts: 0,
        expiresAt: done ? new Date(now.getTime() + stepTtl * 1000) : flow.expiresAt,
      });
      const entries = [selfEntry('reset.code_verified', 'success', flow.tenantId, flow.subjectId, flow.id, client,
        flowDetails(flow, { method, complete: done, proof: proven.length, purpose: flow.purpose, ...(isSteppedUp(flow.risk) ? { stepUp: true } : {}) }))];
      if (held) entries.push(selfEntry('reset.review_held', 'success', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { score: flow.risk?.score ?? null, reasons: (flow.risk?.reasons ?? []).map((r) => r.reason), purpose: flow.purpose, expiresAt: next.expiresAt.toISOString() })));
      await this.steps.save(flow, next, entries);
      // A success ends the account's run of failures (only now that it is saved).
      await this.steps.cap.succeeded(this.steps.limitKey(flow));
      this.deps.observer.observe('reset.code_verified', { tenantId: flow.tenantId, outcome: 'success', reason: method, canary: flow.canary });
      if (held) return { ok: true, next: 'wait_for_review', expiresAt: next.expiresAt };
      if (done) return { ok: true, next: flow.purpose === 'unlock' ? 'unlock' : 'set_password', expiresAt: next.expiresAt };
      return { ok: true, next: 'verify_second', expiresAt: next.expiresAt, methods: await this.proofs.secondProofChoices(proof.account, proof.decision, proven, next), tenantId: flow.tenantId };
    }

    if (proof.spentStep) return this.spentStep(flow, method, client);

    const attempts = flow.attempts + 1;
    const exhausted = attempts >= settings.maxCodeAttempts;
    const next = this.steps.advance(flow, exhausted ? 'code_exhausted' : 'code_bad', now, { attempts });
    const event = exhausted ? 'reset.attempts_exceeded' : 'reset.code_failed';
    const outcome = flow.decoy ? 'decoy' : 'failure';
    const entries: AuditEntryInput[] = [selfEntry(event, outcome, flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { attempts, method, reason: proof.reason, purpose: flow.purpose }))];
    // Counted before the save: a failure that loses a race is still a guess the account pays for. The right
    // digits after their time are not a guess, so an expired code does not count against the account.
    const paused = proof.reason !== 'expired' && (await this.steps.cap.failed(this.steps.limitKey(flow)));
    if (paused) entries.push(selfEntry('reset.proofs_paused', flow.decoy ? 'decoy' : 'denied', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { bucket: 'proof_failures', method })));
    await this.steps.save(flow, next, entries);
    this.deps.observer.observe(event, { tenantId: flow.tenantId, outcome: 'failure', reason: exhausted ? 'attempts_exceeded' : proof.reason === 'wrong' ? 'code_invalid' : proof.reason, canary: flow.canary });
    return exhausted ? { ok: false, code: 'code_attempts_exceeded' } : { ok: false, code: 'code_invalid', attemptsLeft: settings.maxCodeAttempts - attempts };
  }

  /**
   * The right authenticator code for a step already spent: audited as a replay, but neither the flow's attempts nor the
   * account's failure cap counts it — the person holds the app and only has to wait for its next code. The per-IP and
   * per-account rate limits enforced above still apply, and only the exact spent code of this window gets here.
   */
  private async spentStep(flow: ResetFlowRecord, method: ResetProofMethod, client: ClientInfo): Promise<VerifyCodeResult> {
    const { clock, settings } = this.deps;
    const next = this.steps.advance(flow, 'code_bad', clock.now(), { attempts: flow.attempts });
    await this.steps.save(flow, next, [selfEntry('reset.code_failed', 'failure', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { attempts: flow.attempts, method, reason: 'replayed', purpose: flow.purpose }))]);
    this.deps.observer.observe('reset.code_failed', { tenantId: flow.tenantId, outcome: 'failure', reason: 'replayed', canary: flow.canary });
    return { ok: false, code: 'code_invalid', attemptsLeft: settings.maxCodeAttempts - flow.attempts, spentStep: true };
  }
}
