import type { FastifyBaseLogger } from 'fastify';
import type { SqlOutboxQueue } from '../store/outbox-repository.js';

/** What a claim lease needs: the queue, who holds the claims, how long one lasts, where to log. */
export interface ClaimLeaseDeps {
  queue: Pick<SqlOutboxQueue, 'renewClaims' | 'releaseClaims'>;
  workerId: string;
  claimMs: number;
  logger: FastifyBaseLogger;
}

/**
 * The claims of one delivery pass, kept alive by a heartbeat. A claim is short (`outbox.claimSeconds`) so
 * that the rows of a node that dies run out within seconds and another node sends them; while this node is
 * alive it renews them every third of the claim, so a slow send is not taken over and sent twice.
 */
export class ClaimLease {
  private readonly held: Set<string>;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ClaimLeaseDeps, ids: readonly string[]) {
    this.held = new Set(ids);
    this.timer = setInterval(() => {
      this.renewing = this.renew();
    }, Math.max(50, Math.floor(deps.claimMs / 3)));
    // A heartbeat must not keep a stopping process alive.
    this.timer.unref();
  }

  /** The message is settled (or given up): its row no longer needs the claim. */
  settled(id: string): void {
    this.held.delete(id);
  }

  /**
   * Ends the pass: stops the heartbeat and gives back the rows still held (those not started when the
   * worker stopped), so another node need not wait. The worker first drops rows it sent but could not
   * settle: those must run out rather than be handed over at once and sent again.
   */
  async end(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    const rest = [...this.held];
    this.held.clear();
    if (rest.length === 0) return;
    try {
      const released = await this.deps.queue.releaseClaims(this.deps.workerId, rest);
      if (released > 0) this.deps.logger.info({ released }, 'outbox claims released');
    } catch (error) {
      // They run out by themselves within one claim period.
      this.deps.logger.warn({ err: error, claims: rest.length }, 'could not release outbox claims; they run out by themselves');
    }
  }

  private async renew(): Promise<void> {
    const ids = [...this.held];
    if (ids.length === 0) return;
    try {
      const kept = new Set(await this.deps.queue.renewClaims(this.deps.workerId, ids, this.deps.claimMs));
      const lost = ids.filter((id) => !kept.has(id) && this.held.has(id));
      // A row lost here ran out (a pause longer than the claim) and another node may be sending it.
      if (lost.length > 0) this.deps.logger.warn({ lost: lost.length }, 'outbox claims lost before delivery finished');
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'outbox claim heartbeat failed');
    }
  }
}
