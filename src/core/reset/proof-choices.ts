import { maskEmail, maskPhone } from '../identity/mask.js';
import { distinctAddresses } from '../methods/contact-emails.js';
import { DIRECTORY_PHONE_ID, directoryEmailOf, directoryPhoneOf } from '../methods/directory-contacts.js';
import { questionsOf } from '../methods/question-proof.js';
import { MIN_QUESTIONS } from '../methods/security-questions.js';
import { nextProofNeeded, type PolicyDecision } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, RegisteredMethod } from '../ports/methods.js';

/**
 * The kinds a first proof may be, in the order the first step lists them. `sms_code` and `questions` are
 * second proofs only: a text is sent, and questions are shown, only after a first proof.
 */
export const FIRST_PROOF_KINDS = ['email_code', 'email_link', 'totp', 'backup_code', 'webauthn'] as const satisfies readonly MethodKind[];

/** A kind a first proof may be. */
export type FirstProofKind = (typeof FIRST_PROOF_KINDS)[number];

/** A method offered for the next proof, labelled without revealing the address or secret. */
export interface ProofOption {
  method: MethodKind;
  label: string;
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

/** The registrations a proof can use now: confirmed, and for backup codes not yet spent. */
export function usableRegistrations(registered: readonly RegisteredMethod[]): RegisteredMethod[] {
  return registered.filter((m) => m.confirmed && !(m.kind === 'backup_code' && m.usedAt));
}

/**
 * The methods the next proof may use, masked, given the kinds proven so far: what the policy still needs
 * ({@link nextProofNeeded}) that the person holds. `registered` must be {@link usableRegistrations}.
 * Pure: the reset flow's second step and the policy simulation both ask it.
 */
export function proofChoices(
  account: DirectoryAccount,
  decision: PolicyDecision,
  proven: readonly MethodKind[],
  registered: readonly RegisteredMethod[],
  context: ProofChoiceContext,
): ProofOption[] {
  const needed = nextProofNeeded(decision, proven);
  if (needed.done) return [];
  const choices: ProofOption[] = [];
  // Every address the code went to: the directory's and the confirmed extra ones.
  const addresses = distinctAddresses([directoryEmailOf(account, decision) ?? undefined, ...registered.filter((m) => m.kind === 'email_code' && typeof m.data.email === 'string').map((m) => String(m.data.email))]);
  if (needed.allowed.includes('email_code') && addresses.length > 0 && context.codeLive) choices.push({ method: 'email_code', label: addresses.map(maskEmail).join(', ') });
  if (needed.allowed.includes('sms_code') && context.sms) {
    const fromDirectory = directoryPhoneOf(account, decision);
    const registeredPhones = registered.filter((m) => m.kind === 'sms_code').map((m) => String(m.data.phone));
    if (fromDirectory && !registeredPhones.includes(fromDirectory)) choices.push({ method: 'sms_code', label: maskPhone(fromDirectory), methodId: DIRECTORY_PHONE_ID });
    for (const phone of registered.filter((m) => m.kind === 'sms_code' && typeof m.data.phone === 'string')) {
      choices.push({ method: 'sms_code', label: maskPhone(String(phone.data.phone)), methodId: phone.id });
    }
  }
  for (const kind of ['webauthn', 'totp', 'backup_code'] as const) {
    if (!needed.allowed.includes(kind)) continue;
    const mine = registered.filter((m) => m.kind === kind);
    if (mine.length === 0) continue;
    const label = kind === 'webauthn' ? mine.map((m) => `Passkey “${m.name}”`).join(', ') : kind === 'totp' ? mine.map((m) => `Authenticator app “${m.name}”`).join(', ') : `Backup code (${mine.length} left)`;
    choices.push({ method: kind, label });
  }
  // Security questions last: the weakest proof. The question texts are what the person must answer.
  const questions = context.questions && needed.allowed.includes('questions') ? registered.filter((m) => m.kind === 'questions').at(-1) : undefined;
  if (questions && questionsOf(questions).length >= MIN_QUESTIONS) choices.push({ method: 'questions', label: 'Your security questions', questions: questionsOf(questions) });
  return choices;
}
