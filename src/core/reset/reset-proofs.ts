import { constantTimeEqualHex, type KeyRing } from '../crypto/key-ring.js';
import { hashHandle } from '../crypto/secrets.js';
import type { Clock } from '../ports/clock.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { MethodVerifier } from '../methods/method-verifier.js';
import type { Passkeys } from '../methods/passkeys.js';
import { decidePolicy, methodFamily, nextProofNeeded, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, MethodRepository } from '../ports/methods.js';
import type { ProofChoice, ProofInput, ResetProofMethod } from './proof-types.js';
import type { ResetFlowRecord } from './reset-flow-record.js';
import type { ResetSettings } from './reset-settings.js';
import { DIRECTORY_PHONE_ID, directoryPhoneOf } from '../methods/directory-contacts.js';
import { QuestionProof, readQuestionSet } from '../methods/question-proof.js';
import type { AnswerHasher } from '../methods/security-questions.js';
import { proofChoices, usableRegistrations } from './proof-choices.js';

export interface ResetProofsDeps {
  keys: KeyRing;
  settings: ResetSettings;
  directory: Directory;
  methods: MethodRepository;
  verifier: MethodVerifier;
  passkeys?: Passkeys;
  policyFor: (tenantId: string) => TenantPolicy;
  clock: Clock;
  sms?: SmsSender | null;
  answerHasher?: AnswerHasher | null;
}

/** Why a proof failed, for the audit trail: a wrong guess, a spent code presented again, or a code after its time. */
export type ProofFailure = 'wrong' | 'replayed' | 'expired';

/** A proof's outcome: the proven person and their policy, or why it failed. */
export type ProofOutcome = { ok: true; account: DirectoryAccount; decision: PolicyDecision } | { ok: false; reason: ProofFailure };

const WRONG: ProofOutcome = { ok: false, reason: 'wrong' };

/** Judges the proofs a reset flow receives, and says which methods may give the next one. */
export class ResetProofs {
  private questionProof: QuestionProof | null = null;

  constructor(private readonly deps: ResetProofsDeps) {}

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
    const { keys, settings, directory, verifier } = this.deps;
    const method = input.method;
    const candidate = (input.code ?? '').trim();
    const credential = input.credential ?? {};
    // The MAC is computed on every path (decoy, other methods, malformed input) so timing says little.
    const macMatches = keys.verifyMac('code-hmac', flow.codeKeyId ?? keys.currentId, codeMessage(flow.id, candidate), flow.codeHash ?? '');
    const account = flow.decoy || !flow.subjectId ? null : await directory.findById(flow.tenantId, flow.subjectId);
    const decision = account ? decidePolicy(this.deps.policyFor(flow.tenantId), account) : null;
    const usable = decision !== null && decision.allowedMethods.includes(method) && !flow.proven.some((p) => methodFamily(p) === methodFamily(method));
    if (method === 'email_code') {
      const ok = macMatches && usable && /^[0-9]+$/.test(candidate) && candidate.length === settings.codeDigits;
      return ok ? { ok: true, account: account!, decision: decision! } : WRONG;
    }
    if (method === 'email_link') {
      // The link's token is a second handle of this flow, stored as SHA-256 like the flow id itself.
      const presented = hashHandle((input.token ?? '').trim());
      const ok = constantTimeEqualHex(presented, flow.linkHash ?? '') && flow.linkHash !== null && usable;
      return ok ? { ok: true, account: account!, decision: decision! } : WRONG;
    }
    if (method === 'sms_code') {
      // A texted code exists only after POST /reset/{flowId}/sms, at the second proof, to a phone of this person.
      const smsMatches = keys.verifyMac('code-hmac', flow.smsCodeKeyId ?? keys.currentId, smsCodeMessage(flow.id, candidate), flow.smsCodeHash ?? '');
      const live = Boolean(flow.smsCodeHash) && (flow.smsCodeExpiresAt?.getTime() ?? 0) > this.deps.clock.now().getTime();
      // The directory's own number has no method row: it counts while the policy still trusts it.
      const fromDirectory = flow.smsMethodId === DIRECTORY_PHONE_ID;
      const phone = usable && live && flow.smsMethodId && !fromDirectory ? await this.deps.methods.get(flow.tenantId, flow.smsMethodId) : null;
      const stillMine = fromDirectory
        ? usable && directoryPhoneOf(account!, decision!) !== null
        : phone !== null && phone.subjectId === account!.id && phone.kind === 'sms_code' && phone.confirmed;
      const ok = smsMatches && live && stillMine && Boolean(this.deps.sms) && /^[0-9]+$/.test(candidate) && candidate.length === settings.codeDigits;
      if (ok) return { ok: true, account: account!, decision: decision! };
      // The right digits after their time: an expired code, not a guess.
      return smsMatches && !live && Boolean(flow.smsCodeHash) ? { ok: false, reason: 'expired' } : WRONG;
    }
    if (method === 'questions') {
      // Second proof only: the questions are shown in order to be answered, so offering them before any proof
      // would tell anyone who types a username that the account exists and has them. At the second step a person
      // without (allowed) questions does the same hashing against a dummy and fails like a wrong code.
      // At the first step every flow, real or decoy, refuses them at once: no hashing to spend (argon2 is costly),
      // and nothing differs between accounts.
      if (!this.deps.answerHasher || flow.state !== 'awaiting_second_proof') return WRONG;
      this.questionProof ??= new QuestionProof(this.deps.answerHasher);
      const set = usable ? await readQuestionSet(this.deps.methods, flow.tenantId, account!.id) : null;
      const ok = (await this.questionProof.check(set, input.answers ?? [])) && set !== null;
      return ok ? { ok: true, account: account!, decision: decision! } : WRONG;
    }
    if (method === 'webauthn') {
      // Passkey: the flow's challenge is spent on every path; a decoy or a person who may not use passkeys
      // is checked as "no passkeys" (comparable work, same answer). Origin, RP ID, user verification, the
      // credential's owner and its signature counter are judged in Passkeys.verifyAssertion.
      if (!this.deps.passkeys) return WRONG;
      const result = await this.deps.passkeys.verifyAssertion({ purpose: 'reset', owner: flow.id, account: usable ? account : null, response: credential, client, flowId: flow.id });
      return result.ok ? { ok: true, account: account!, decision: decision! } : WRONG;
    }
    if (!usable) {
      await verifier.spendEquivalentTime(method, candidate);
      return WRONG;
    }
    const result = await verifier.verify(account!, method, candidate);
    if (result.ok) return { ok: true, account: account!, decision: decision! };
    // A spent authenticator step or backup code presented again is a replay (often a shoulder-surfed code).
    return result.reason === 'replayed' || result.reason === 'used' ? { ok: false, reason: 'replayed' } : WRONG;
  }

  /** The methods a second proof may use, masked: shown only now, after a first proof. */
  async secondProofChoices(account: DirectoryAccount, decision: PolicyDecision, proven: MethodKind[], flow: ResetFlowRecord): Promise<ProofChoice[]> {
    if (nextProofNeeded(decision, proven).done) return [];
    const registered = usableRegistrations(await this.deps.methods.listForSubject(account.tenantId, account.id));
    return proofChoices(account, decision, proven, registered, { codeLive: Boolean(flow.codeHash), sms: Boolean(this.deps.sms), questions: Boolean(this.deps.answerHasher) });
  }
}

/** A texted code is bound to its flow too, and kept apart from the emailed one (the same digits never prove both). */
export function smsCodeMessage(flowId: string, code: string): string {
  return `${flowId}:sms:${code}`;
}

/** Codes are bound to their flow: the same digits mean nothing in another flow. */
export function codeMessage(flowId: string, code: string): string {
  return `${flowId}:${code}`;
}
