import type { UnlatchConfig } from '../config/schema.js';

/** What a shutdown drives: the app's three steps (see UnlatchApp). */
export interface Drainable {
  beginDrain(): void;
  close(): Promise<void>;
  forceClose(): Promise<void>;
}

/** How a shutdown is paced. */
export interface ShutdownTiming {
  /** How long /readyz answers 503 while requests are still served, before the listener closes. */
  drainDelayMs: number;
  /** Hard deadline, counted from the signal. */
  timeoutMs: number;
}

/** Production drains 5 s for load balancers to notice (a readiness probe every few seconds); dev stops at once. */
const PRODUCTION_DRAIN_SECONDS = 5;

/** Longest wait for the forced close itself before the process exits anyway. */
const FORCE_CLOSE_MS = 1000;

/** The timing from config; the drain delay always leaves at least half the deadline for the close itself. */
export function shutdownTimingOf(config: Pick<UnlatchConfig, 'mode' | 'server'>): ShutdownTiming {
  const timeoutMs = config.server.shutdownTimeoutSeconds * 1000;
  const drainSeconds = config.server.drainDelaySeconds ?? (config.mode === 'production' ? PRODUCTION_DRAIN_SECONDS : 0);
  return { drainDelayMs: Math.min(drainSeconds * 1000, timeoutMs / 2), timeoutMs };
}

/**
 * Shuts the app down the way a load balancer and an orchestrator expect: draining first (/readyz 503, requests
 * still served), then a clean close. Past the deadline it cuts everything and resolves false (the process
 * should exit non-zero); `onTimeout` says so in one line. An error from the clean close is thrown.
 */
export async function shutDownGracefully(app: Drainable, timing: ShutdownTiming, onTimeout: (timeoutMs: number) => void): Promise<boolean> {
  app.beginDrain();
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    deadline = setTimeout(() => resolve('timeout'), timing.timeoutMs);
  });
  const closed = (async () => {
    await sleep(timing.drainDelayMs);
    await app.close();
    return 'closed' as const;
  })();
  try {
    if ((await Promise.race([closed, timedOut])) === 'closed') return true;
  } finally {
    clearTimeout(deadline);
  }
  onTimeout(timing.timeoutMs);
  // The clean close may still fail later; nobody waits for it any more.
  closed.catch(() => undefined);
  await Promise.race([app.forceClose().catch(() => undefined), sleep(FORCE_CLOSE_MS)]);
  return false;
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
