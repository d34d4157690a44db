import type { KeyRing } from '../crypto/key-ring.js';
import type { AccessPassRepository } from '../ports/access-passes.js';
import type { PolicyDecision } from '../policy/method-policy.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, MethodRepository, RegisteredMethod } from '../ports/methods.js';
import type { ProofInput } from '../reset/proof-types.js';
import type { ResetFlowRecord } from '../reset/reset-flow-record.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { MethodDescriptor } from './method-descriptor.js';
import type { MethodVerifier } from './method-verifier.js';
import type { ProofLabel } from './proof-label.js';
import type { Passkeys } from './webauthn/passkeys.js';
import type { AnswerHasher } from './questions/security-questions.js';

/**
 * What the proof strategies may use, built once (by the reset's `ResetProofs`, from its own deps). A strategy
 * uses only its part: the key ring for bound codes, the method store, the verifier, passkeys, the SMS sender,
 * the answer hasher. An absent optional part makes its method fail like a wrong code.
 */
export interface ProofDeps {
  keys: KeyRing;
  clock: Clock;
  /** Digits of the reset's emailed and texted codes. */
  codeDigits: number;
  /** Registered methods, for proofs other than the emailed code. */
  methods: MethodRepository;
  /** Checks (and spends) authenticator-app and backup codes. */
  verifier: MethodVerifier;
  /** Passkey assertions (`webauthn`); without them a passkey proof fails like a wrong code. */
  passkeys?: Passkeys;
  /** SMS sending (`sms_code` second proofs); without it phones are never offered and an SMS proof fails like a wrong code. */
  sms?: SmsSender | null;
  /** Checks answers to security questions (`questions` second proofs); without it they are never offered and fail like a wrong code. */
  answerHasher?: AnswerHasher | null;
  /** Temporary access passes (`access_pass`); without them a pass fails like a wrong code. */
  accessPasses?: AccessPassRepository | null;
}

/** Why a proof failed, for the audit trail: a wrong guess, a spent code presented again, or a code after its time. */
export type ProofFailure = 'wrong' | 'replayed' | 'expired';

/**
 * A strategy's verdict on one proof. `spentStep`: an authenticator app's right code whose 30-second step was already
 * used (typically the code that just registered the app): the person holds the app, so it is no guess and costs no
 * attempt; they are asked to wait for the next code. Only the exact code of a spent step in the current window gets it.
 */
export type ProofVerdict = { ok: true } | { ok: false; reason: ProofFailure; spentStep?: true };

/** One proof presented to a flow, with what every strategy is told about it (worked out once, on every path). */
export interface ProofAttempt {
  flow: ResetFlowRecord;
  input: ProofInput;
  client: ClientInfo;
  /** The flow's person; null for a decoy (or a person no longer found). */
  account: DirectoryAccount | null;
  decision: PolicyDecision | null;
  /**
   * The person may prove with this kind now: it is allowed and its family is not proven yet. When false the
   * strategy still does comparable work, and fails like a wrong code.
   */
  usable: boolean;
  /** The typed `code`, trimmed ('' when none). */
  candidate: string;
  /**
   * Whether `candidate` is the flow's emailed code: the MAC is computed on every path (decoy, other methods,
   * malformed input), whatever is being proven, so timing says little.
   */
  emailCodeMatches: boolean;
}

/** A method offered for the next proof, labelled without revealing the address or secret. */
export interface ProofOption {
  method: MethodKind;
  /** What it is called, as data (the page or the API words it in the person's language). */
  label: ProofLabel;
  /** `sms_code`: the phone method to text the code to. */
  methodId?: string;
  /** `questions`: the person's security questions, in the order the answers are expected. */
  questions?: string[];
}

/** What the running server can do beyond the person's registrations. */
export interface ProofChoiceContext {
  /** The flow's emailed code is still live (it was sent and no email proof has spent it). */
  codeLive: boolean;
  /** SMS providers are configured. */
  sms: boolean;
  /** Security questions can be checked (an answer hasher is configured). */
  questions: boolean;
}

/** What a strategy's choices are built from, after a first proof. Pure data: the policy simulation asks too. */
export interface ChoiceContext {
  account: DirectoryAccount;
  decision: PolicyDecision;
  /** The person's usable registrations (confirmed, backup codes unspent). */
  registered: readonly RegisteredMethod[];
  server: ProofChoiceContext;
}

/**
 * One verification method as a reset proof: its descriptor, how it judges a proof, and what it offers (masked)
 * for a second proof. Strategies are stateless; everything arrives in the attempt and the deps.
 *
 * A strategy must fail a proof from a decoy, from a person who does not have the method or may not use it, or
 * of a malformed input exactly like a wrong one, after comparable work (SECURITY.md, enumeration and timing).
 */
export interface ProofStrategy {
  readonly descriptor: MethodDescriptor;
  prove(attempt: ProofAttempt, deps: ProofDeps): Promise<ProofVerdict>;
  /** The choices it offers the person for the next proof (the caller has checked that the policy allows the kind). */
  choices?(context: ChoiceContext): ProofOption[];
}
