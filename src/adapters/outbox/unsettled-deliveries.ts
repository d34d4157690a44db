import type { ClaimedMessage, Settlement } from '../store/outbox-repository.js';

/** One message this worker sent, with the outcome it could not record yet. */
export interface UnsettledDelivery {
  message: ClaimedMessage;
  outcome: Settlement;
}

/**
 * Messages this worker sent whose settlement has not committed yet, by idempotency key. Claimed again, such
 * a message is settled, not sent again, so a failed settlement never makes this node send twice. Bounded:
 * settlement fails only while the database is unreachable, and then nothing new is claimed, so this holds a
 * pass or two; the oldest entry goes first (its claim ran out long ago and another node may own it).
 */
export class UnsettledDeliveries {
  private readonly entries = new Map<string, UnsettledDelivery>();

  constructor(private readonly max = 1000) {}

  get size(): number {
    return this.entries.size;
  }

  /** The outcome already known for this idempotency key, if this worker sent it and has not recorded it. */
  outcomeOf(idempotencyKey: string): Settlement | undefined {
    return this.entries.get(idempotencyKey)?.outcome;
  }

  remember(message: ClaimedMessage, outcome: Settlement): void {
    this.entries.delete(message.id);
    this.entries.set(message.id, { message, outcome });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(idempotencyKey: string): void {
    this.entries.delete(idempotencyKey);
  }

  /** A copy, safe to iterate while entries are forgotten. */
  list(): UnsettledDelivery[] {
    return [...this.entries.values()];
  }
}
