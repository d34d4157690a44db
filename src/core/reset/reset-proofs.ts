import { emailCodeMatches } from '../methods/email_code/code-binding.js';
import type { ProofDeps, ProofFailure } from '../methods/proof-strategy.js';
import { PROOF_STRATEGIES } from '../methods/registry.js';
import { methodFamily, nextProofNeeded, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { MethodKind } from '../ports/methods.js';
import type { ProofChoice, ProofInput, ResetProofMethod } from './proof-types.js';
import type { ResetFlowRecord } from './reset-flow-record.js';
import type { ResetSettings } from './reset-settings.js';
import { personDecision } from './person-decision.js';
import { proofChoices, usableRegistrations } from './proof-choices.js';

export type { ProofFailure } from '../methods/proof-strategy.js';

export interface ResetProofsDeps extends Omit<ProofDeps, 'codeDigits'> {
  settings: ResetSettings;
  directory: Directory;
  policyFor: (tenantId: string) => TenantPolicy;
}

/** A proof's outcome: the proven person and their policy, or why it failed. */
export type ProofOutcome = { ok: true; account: DirectoryAccount; decision: PolicyDecision } | { ok: false; reason: ProofFailure; spentStep?: true };

/**
 * Judges the proofs a reset flow receives, each with its kind's strategy (`methods/registry.ts`), and says
 * which methods may give the next one.
 */
export class ResetProofs {
  /** What the strategies may use: built once, here. */
  private readonly strategyDeps: ProofDeps;

  constructor(private readonly deps: ResetProofsDeps) {
    this.strategyDeps = { ...deps, codeDigits: deps.settings.codeDigits };
  }

  /**
   * Checks one proof. A method the person does not have, may not use, or has already proven (by family:
   * an emailed code and link are one) fails exactly like a wrong code, after comparable work. A failure says
   * why for the audit trail only (`replayed`, `expired`); the person is answered the same either way.
   */
  async prove(
    flow: ResetFlowRecord,
    input: ProofInput & { method: ResetProofMethod },
    client: ClientInfo,
  ): Promise<ProofOutcome> {
    const method = input.method;
    const candidate = (input.code ?? '').trim();
    // The MAC is computed on every path (decoy, other methods, malformed input) so timing says little.
    const codeMatches = emailCodeMatches(this.deps.keys, flow, candidate);
    const account = flow.decoy || !flow.subjectId ? null : await this.deps.directory.findById(flow.tenantId, flow.subjectId);
    // The person's registrations decide whether their strongest factor must be among the proofs (honourStrongest);
    // a decoy reads an empty list, so both do the same work.
    const decision = account ? await this.decisionFor(account, flow) : (await this.deps.methods.listForSubject(flow.tenantId, ''), null);
    const usable = decision !== null && decision.allowedMethods.includes(method) && !flow.proven.some((p) => methodFamily(p) === methodFamily(method));
    const attempt = { flow, input, client, account, decision, usable, candidate, emailCodeMatches: codeMatches };
    const verdict = await PROOF_STRATEGIES[method].prove(attempt, this.strategyDeps);
    return verdict.ok ? { ok: true, account: account!, decision: decision! } : verdict;
  }

  /** The person's policy decision, with their strongest factor honoured and the flow's step-up applied (see `personDecision`). */
  async decisionFor(account: DirectoryAccount, flow: Pick<ResetFlowRecord, 'risk'>): Promise<PolicyDecision> {
    return (await personDecision(this.deps, account, flow.risk)).decision;
  }

  /** The methods a second proof may use, masked: shown only now, after a first proof. */
  async secondProofChoices(account: DirectoryAccount, decision: PolicyDecision, proven: MethodKind[], flow: ResetFlowRecord): Promise<ProofChoice[]> {
    if (nextProofNeeded(decision, proven).done) return [];
    const registered = usableRegistrations(await this.deps.methods.listForSubject(account.tenantId, account.id));
    return proofChoices(account, decision, proven, registered, { codeLive: Boolean(flow.codeHash), sms: Boolean(this.deps.sms), questions: Boolean(this.deps.answerHasher) });
  }
}
