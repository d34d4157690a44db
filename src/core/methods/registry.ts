import { accessPassProof } from './access_pass/proof.js';
import { backupCodeProof } from './backup_code/proof.js';
import { emailCodeProof } from './email_code/proof.js';
import { emailLinkProof } from './email_link/proof.js';
import { METHOD_DESCRIPTORS, type MethodKind } from './method-kinds.js';
import type { ProofStrategy } from './proof-strategy.js';
import { questionsProof } from './questions/proof.js';
import { smsCodeProof } from './sms_code/proof.js';
import { totpProof } from './totp/proof.js';
import { webauthnProof } from './webauthn/proof.js';

/**
 * The proof strategy of every kind in `method-kinds.ts`, listed once: the reset judges each proof with its
 * kind's strategy and asks each for its second-proof choices. A kind without a strategy does not compile.
 */
export const PROOF_STRATEGIES: Readonly<Record<MethodKind, ProofStrategy>> = {
  email_code: emailCodeProof,
  email_link: emailLinkProof,
  sms_code: smsCodeProof,
  totp: totpProof,
  webauthn: webauthnProof,
  backup_code: backupCodeProof,
  questions: questionsProof,
  access_pass: accessPassProof,
};

/** The strategies in the order their choices are offered for a second proof (the weakest last). */
export const STRATEGIES_BY_CHOICE: readonly ProofStrategy[] = [...METHOD_DESCRIPTORS]
  .sort((a, b) => a.choiceRank - b.choiceRank)
  .map((d) => PROOF_STRATEGIES[d.kind]);
