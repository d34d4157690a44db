/**
 * The steps of a synthetic check, in the order they run, and how each one is timed. A step either returns or
 * throws {@link StepFailure} with a reason fit for the one summary line (never a secret: no code, password or
 * seed reaches it).
 */
export const SYNTHETIC_STEPS = ['start', 'totp', 'email_code', 'password', 'sign_in'] as const;

export type SyntheticStep = (typeof SYNTHETIC_STEPS)[number];

/** One step that finished, and how long it took. */
export interface StepTiming {
  step: SyntheticStep;
  seconds: number;
}

/** The outcome of one run: every finished step, and the step that failed (with why) when one did. */
export interface SyntheticResult {
  ok: boolean;
  steps: StepTiming[];
  failure?: { step: SyntheticStep; reason: string };
  /** When the run began (the last-run timestamp of the metrics). */
  startedAt: Date;
}

/** A step did not do what a person would need: the reason is one line, safe to print and to page on. */
export class StepFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StepFailure';
  }
}

/** Runs steps one after another, timing each; the first failure ends the run. */
export class StepTimer {
  readonly steps: StepTiming[] = [];
  failure: { step: SyntheticStep; reason: string } | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs one step; on a failure records it and rethrows, so the caller stops. */
  async run<T>(step: SyntheticStep, work: () => Promise<T>, since?: number): Promise<T> {
    const began = since ?? this.now();
    try {
      const value = await work();
      this.steps.push({ step, seconds: (this.now() - began) / 1000 });
      return value;
    } catch (error) {
      this.failure = { step, reason: reasonOf(error) };
      throw error;
    }
  }

  /** Runs preparation that belongs to a step without timing it; a failure is that step's. */
  async guard<T>(step: SyntheticStep, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.failure = { step, reason: reasonOf(error) };
      throw error;
    }
  }

  /** The monotonic clock's reading now (milliseconds), for a step timed from an earlier moment. */
  mark(): number {
    return this.now();
  }
}

/** One line, whatever failed: a StepFailure's own reason, or what the network or a library said. */
export function reasonOf(error: unknown): string {
  let message: string;
  if (error instanceof StepFailure) message = error.message;
  else if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
    message = error.name === 'TimeoutError' ? 'no answer in time' : `${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  } else message = String(error);
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** `start:0.12s,totp:0.08s,…` for the summary line. */
export function formatSteps(steps: readonly StepTiming[]): string {
  return steps.map((s) => `${s.step}:${s.seconds.toFixed(2)}s`).join(',');
}
