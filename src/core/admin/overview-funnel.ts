/** What the funnel needs of the rollup counts (the overview's `CountIndex`). */
export interface FunnelCounts {
  get(event: string, outcome: string | null, dimension?: string): number;
  values(event: string, outcome: string | null, name: string): Map<string, number>;
}

/** One step of the funnel: how many flows reached it, and how many of those that could were lost on the way. */
export interface FunnelStep {
  step: 'started' | 'first_proof' | 'second_proof' | 'password' | 'done';
  /** Flows that reached this step. */
  count: number;
  /** Flows that could have reached it and did not (the drop-off in front of this step). */
  lost: number;
}

/**
 * Where reset flows (purpose `reset`; unlocks have no password step) drop off, counted from audit entries in
 * the window:
 *
 * 1. `started`: `reset.started`, success, purpose `reset` (decoys never go further and are left out).
 * 2. `first_proof`: the flow's first proof passed (`reset.code_verified` with `proof: 1`). Lost: started − this.
 * 3. `second_proof`: a second proof passed (`proof: 2`), only for flows whose policy asks for one: those whose
 *    first proof did not complete the proofs (`complete: false`, counted as `secondProofNeeded`).
 *    Lost: secondProofNeeded − this. Flows whose policy needs one proof skip this step.
 * 4. `password`: all proofs passed, the flow is at the password step (the proof with `complete: true`).
 *    Lost: first proofs that never completed the proofs (first_proof − password).
 * 5. `done`: the new password was set (`reset.completed`). Lost: password − done (rules or directory refused
 *    every try, or the person left).
 *
 * Counts are of entries in the window, so a flow that crosses the window's start counts only for its later
 * steps: over short windows a step can exceed the one before it by a few (lost is then 0, never negative).
 */
export interface OverviewFunnel {
  steps: FunnelStep[];
  /** Flows whose first proof did not complete the proofs (their policy needs a second). */
  secondProofNeeded: number;
}

/** The funnel of reset flows from rollup counts; each step is defined on {@link OverviewFunnel}. */
export function overviewFunnel(counts: FunnelCounts): OverviewFunnel {
  const steps = new Map<string, number>();
  // `step=reset:<n>:<done|more>` of reset.code_verified (see rollupDimensions).
  for (const [value, count] of counts.values('reset.code_verified', 'success', 'step')) {
    const [purpose, proof, state] = value.split(':');
    if (purpose !== 'reset') continue;
    steps.set(`${proof}:${state}`, (steps.get(`${proof}:${state}`) ?? 0) + count);
    if (state === 'done') steps.set('done', (steps.get('done') ?? 0) + count);
  }
  const at = (key: string) => steps.get(key) ?? 0;
  const started = counts.get('reset.started', 'success', 'purpose=reset');
  const firstProof = at('1:done') + at('1:more');
  const secondProofNeeded = at('1:more');
  const secondProof = at('2:done') + at('2:more');
  const password = at('done');
  const done = counts.get('reset.completed', 'success', '');
  const lost = (could: number, did: number) => Math.max(0, could - did);
  return {
    secondProofNeeded,
    steps: [
      { step: 'started', count: started, lost: 0 },
      { step: 'first_proof', count: firstProof, lost: lost(started, firstProof) },
      { step: 'second_proof', count: secondProof, lost: lost(secondProofNeeded, secondProof) },
      { step: 'password', count: password, lost: lost(firstProof, password) },
      { step: 'done', count: done, lost: lost(password, done) },
    ],
  };
}
