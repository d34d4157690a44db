import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Registry } from 'prom-client';
import type { AttackModeSettings, ProofOfWorkSettings } from '../../config/proof-of-work-schema.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { ProofOfWorkGateService, type ProofOfWorkMode } from '../../core/risk/proof-of-work-gate.js';
import type { ProofOfWorkServices } from '../../core/risk/proof-of-work-services.js';
import { ReportScheduleLoop } from '../reports/report-schedule-loop.js';
import { AltchaChallenges } from './altcha-challenges.js';
import { SqlSpentProofs } from './altcha-spent-proofs.js';
import { AttackModeMonitor } from './attack-mode-monitor.js';

/** The proof-of-work gate with its ALTCHA challenges, its spent-proof table, and attack mode with its check loop. */
export interface ProofOfWorkParts extends ProofOfWorkServices {
  attackMode: AttackModeMonitor;
  /** Adds counts and evaluates attack mode every `checkEverySeconds` (started with the worker, stopped at close). */
  loop: ReportScheduleLoop;
}

export function buildProofOfWork(deps: {
  db: Kysely<Database>;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  registry: Registry;
  tenants: () => readonly string[];
  proofOfWork: ProofOfWorkSettings;
  attackMode: AttackModeSettings;
  /** The tenant's own `risk.proofOfWork.mode`, when it has one. */
  tenantMode: (tenantId: string) => ProofOfWorkMode | undefined;
  onError?: (error: unknown) => void;
}): ProofOfWorkParts {
  const { db, store, keys, clock, proofOfWork } = deps;
  const attackMode = new AttackModeMonitor({ db, store, clock, tenants: deps.tenants, settings: deps.attackMode, registry: deps.registry });
  const gate = new ProofOfWorkGateService({
    challenges: new AltchaChallenges({ keys, clock, settings: proofOfWork }),
    spent: new SqlSpentProofs(db, clock),
    keys,
    clock,
    modeFor: (tenantId) => deps.tenantMode(tenantId) ?? proofOfWork.mode,
    attackMode,
    starts: attackMode,
    timing: { waitSeconds: proofOfWork.waitSeconds, expiresSeconds: proofOfWork.expiresSeconds },
  });
  const everyMs = deps.attackMode.checkEverySeconds * 1000;
  const loop = new ReportScheduleLoop(attackMode, { everyMs, firstAfterMs: Math.min(everyMs, 5_000), onError: deps.onError });
  return { gate, attackMode, loop };
}
