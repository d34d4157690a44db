import type { AttackModeControl } from './attack-mode-state.js';
import type { ProofOfWorkGateService } from './proof-of-work-gate.js';

/** What the HTTP edge uses of proof-of-work: the gate (pages and API ask it for offers) and attack mode's controls. */
export interface ProofOfWorkServices {
  gate: ProofOfWorkGateService;
  attackMode: AttackModeControl;
}
