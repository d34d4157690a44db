import { z } from 'zod';
import { PROOF_OF_WORK_MODES } from '../core/risk/proof-of-work-gate.js';

const mode = z.enum(PROOF_OF_WORK_MODES);

/**
 * `risk.proofOfWork`: the ALTCHA challenge at the start of a reset or unlock, and the no-JavaScript wait that
 * stands in for it. See docs/risk.md, "Proof-of-work".
 */
export const proofOfWorkSchema = z
  .object({
    /**
     * When a start must carry a solved challenge: `always`, `never`, or `risk` (default: when the risk engine's
     * decision before the lookup is `proof_of_work` or worse). Attack mode asks for one from everyone whatever this says.
     */
    mode: mode.default('risk'),
    /**
     * Difficulty: the solver tries counters 0… until it meets a secret one drawn from 0–`maxNumber`; on average half of
     * that. 100,000 SHA-256 rounds take well under a second in a current browser and cost the server one hash.
     */
    maxNumber: z.int().min(1_000).max(10_000_000).default(100_000),
    /** SHA-256 rounds per tried counter (the `cost` of an ALTCHA v2 challenge); raises the work linearly. */
    cost: z.int().min(1).max(1_000).default(1),
    /** How long a challenge (and a wait ticket, after its wait) stays valid, in seconds. */
    expiresSeconds: z.int().min(30).max(3_600).default(120),
    /** Without JavaScript: how long the person waits, in seconds, before the start is taken instead. */
    waitSeconds: z.int().min(1).max(120).default(10),
  })
  .strict()
  .prefault({});

/** `tenants[].risk.proofOfWork`: the tenant's own mode (absent: `risk.proofOfWork.mode`). */
export const tenantProofOfWorkSchema = z.object({ mode: mode.optional() }).strict();

/**
 * `risk.attackMode`: a surge of starts for a tenant switches it to proof-of-work for everyone. See docs/risk.md,
 * "Attack mode".
 */
export const attackModeSchema = z
  .object({
    /** Off: attack mode is never entered on its own (operators can still force it on). */
    enabled: z.boolean().default(true),
    /** The start rate over the window that counts as a surge: this many times the tenant's baseline rate. */
    threshold: z.number().min(1.5).max(1_000).default(5),
    /** ... and at least this many starts per minute (so a quiet tenant's baseline of 0.1/min does not trip it). */
    minStartsPerMinute: z.number().min(1).max(1_000_000).default(60),
    /** The window the current rate is measured over, in seconds (a multiple of 60). */
    windowSeconds: z.int().min(60).max(3_600).multipleOf(60).default(300),
    /** The baseline: the mean rate per minute over this many hours before the window. */
    baselineHours: z.int().min(1).max(24 * 14).default(24),
    /** Attack mode ends once the rate has stayed below the threshold this many minutes. */
    cooldownMinutes: z.int().min(1).max(24 * 60).default(15),
    /** How often each node adds its counts to the store and checks the rates, in seconds. */
    checkEverySeconds: z.int().min(1).max(300).default(15),
  })
  .strict()
  .prefault({});

export type ProofOfWorkSettings = z.infer<typeof proofOfWorkSchema>;
export type AttackModeSettings = z.infer<typeof attackModeSchema>;
