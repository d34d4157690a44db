import type { CodeKind, FirstProofKind, MethodKind } from '../methods/method-kinds.js';
import type { ProofLabel } from '../methods/proof-label.js';
import type { WebAuthnResponseJson } from '../ports/webauthn.js';

/** What a reset's proofs are made of, shared by the flow and its proof steps (which must not import the flow). */

/** The methods a first proof can be given with by a typed code (the portal's code page). */
export type ProofMethod = Extract<FirstProofKind, CodeKind>;

/** Every method a reset can be proven with: each kind in `methods/method-kinds.ts`. */
export type ResetProofMethod = MethodKind;

/** A method offered for the second proof, labelled without revealing the address or secret. */
export interface ProofChoice {
  method: ResetProofMethod;
  /** What it is called, as data: HTTP words it in the person's language (`proof_label.*`). */
  label: ProofLabel;
  /** `sms_code`: the phone method to text the code to (`POST /reset/{flowId}/sms`). */
  methodId?: string;
  /** `questions`: the person's security questions, in the order the answers are expected (second proof only). */
  questions?: string[];
}

/** One proof as a client sends it: the method, and the field that method reads. */
export interface ProofInput {
  /** Default `email_code`. */
  method?: ResetProofMethod;
  /** `email_code`, `sms_code`, `totp`, `backup_code`: the typed code. */
  code?: string;
  /** `webauthn`: the assertion from `navigator.credentials.get()`. */
  credential?: WebAuthnResponseJson;
  /** `email_link`: the token from the emailed link (`…/reset/link?token=`). */
  token?: string;
  /** `questions`: one answer per security question, in the order they were offered. */
  answers?: string[];
}

export interface SmsCodeSent {
  next: 'verify_second';
  expiresAt: Date;
}

export type VerifyCodeResult =
  /** `wait_for_review`: the proofs are complete and the flow waits for an operator (risk action `hold`). */
  | { ok: true; next: 'set_password' | 'unlock' | 'wait_for_review'; expiresAt: Date }
  /** `tenantId`: the flow's tenant, whose texts (and default language) word the choices. */
  | { ok: true; next: 'verify_second'; expiresAt: Date; methods: ProofChoice[]; tenantId: string }
  /** `spentStep`: an authenticator code whose step was already used (wait for the next one); it cost no attempt. */
  | { ok: false; code: 'code_invalid'; attemptsLeft: number; spentStep?: true }
  | { ok: false; code: 'code_attempts_exceeded' };
