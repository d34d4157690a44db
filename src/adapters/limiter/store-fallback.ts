import rateLimiterFlexible from 'rate-limiter-flexible';
import type { IRateLimiterOptions, RateLimiterRes as RateLimiterResType } from 'rate-limiter-flexible';

const { RateLimiterMemory } = rateLimiterFlexible;

/** The shared store the limiter falls back from. */
export type SharedLimitStore = 'redis' | 'postgres';

/** Where a shared limiter reports its store's health (the app logs and counts it). */
export interface LimiterEvents {
  /** One operation answered from this node's memory because the store failed (`unlatch_rate_limit_fallback_total`). */
  fallback?(store: SharedLimitStore): void;
  /** Log lines: a warning once per outage, a note when the store is back. Messages carry no key and no URL. */
  log?: {
    warn(details: Record<string, unknown>, message: string): void;
    info(details: Record<string, unknown>, message: string): void;
  };
}

/**
 * Tracks outages of one shared store. An outage starts at the first failure (logged once, however many
 * requests fail during it) and ends at the first operation the store answers again.
 */
export class StoreFallback {
  /** Operations answered by the insurance limiter so far; a call that saw it unchanged reached the store. */
  fallbacks = 0;
  private outage = false;
  private closing = false;

  constructor(
    private readonly store: SharedLimitStore,
    private readonly events: LimiterEvents,
  ) {}

  /**
   * A per-node memory limiter of `options`' size, for the library's `insuranceLimiter`: it answers when the
   * store cannot, so an outage means per-node limits, never no limits and never an error.
   */
  insurance(options: IRateLimiterOptions): InstanceType<typeof RateLimiterMemory> {
    return new ReportingMemoryLimiter(options, () => this.fellBack());
  }

  /** The store said something is wrong (a connection error event, a failed query). */
  down(reason: string): void {
    if (this.outage || this.closing) return;
    this.outage = true;
    // The reason is a driver message (ECONNREFUSED host:port, timeout): no key, no credentials.
    this.events.log?.warn({ store: this.store, reason }, 'rate-limit store unreachable: limits are per node until it is back');
  }

  /** The store answered again. */
  up(): void {
    if (!this.outage || this.closing) return;
    this.outage = false;
    this.events.log?.info({ store: this.store }, 'rate-limit store reachable again: limits are shared again');
  }

  /** Called after an operation; `before` is `fallbacks` as it was when the operation began. */
  settled(before: number): void {
    if (this.fallbacks === before) this.up();
  }

  /** Shutting down: connection events from here on are not outages. */
  close(): void {
    this.closing = true;
  }

  private fellBack(): void {
    this.fallbacks += 1;
    this.events.fallback?.(this.store);
    this.down('store operation failed');
  }
}

/** A memory limiter that reports every use: it is only ever used when the store failed. */
class ReportingMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: IRateLimiterOptions,
    private readonly report: () => void,
  ) {
    super(options);
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterResType> {
    this.report();
    return super.consume(key, points, options);
  }

  override get(key: string | number, options?: Record<string, unknown>): Promise<RateLimiterResType | null> {
    this.report();
    return super.get(key, options);
  }

  override delete(key: string | number, options?: Record<string, unknown>): Promise<boolean> {
    this.report();
    return super.delete(key, options);
  }
}
