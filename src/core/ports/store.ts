import type { AuditAppender } from './audit.js';
import type { OutboxWriter } from './outbox.js';
import type { ResetFlowRecord } from '../reset/reset-flow-record.js';

/** Persistence of reset flows. Updates are optimistic: they name the version they read. */
export interface FlowRepository {
  /**
   * Adds a flow. At most one flow per (tenant, supersede key) is live at a time, enforced by the store: an
   * insert while another live flow holds the key fails with `conflict` (`details.reason: 'live_flow'`), so
   * the caller supersedes first, in the same transaction, and retries when a concurrent start won.
   */
  insert(flow: ResetFlowRecord): Promise<void>;
  /** Saves `flow` (whose version is already incremented) if the stored version is still `expectedVersion`. */
  update(flow: ResetFlowRecord, expectedVersion: number): Promise<boolean>;
  findByHandleHash(handleHash: string): Promise<ResetFlowRecord | null>;
  /** The flow whose emailed link has this token hash (SHA-256), whatever its state. */
  findByLinkHash(linkHash: string): Promise<ResetFlowRecord | null>;
  /** Ends every live flow with this supersede key (a newer reset started, or the password changed). Returns how many. */
  supersedeActive(tenantId: string, supersedeKey: string, now: Date, exceptFlowId?: string): Promise<number>;
}

/**
 * Leases on accounts: while one reset, change or unlock writes to an account's directory entry, no other may
 * (two tabs, two nodes). A lease runs out by itself, so a crashed holder does not lock an account for good.
 */
export interface AccountLocks {
  /** Takes the lease when it is free or has run out; false when someone else holds it. */
  acquire(tenantId: string, subjectId: string, holder: string, now: Date, ttlSeconds: number): Promise<boolean>;
  /** Gives the lease back, if `holder` still holds it. */
  release(tenantId: string, subjectId: string, holder: string): Promise<void>;
}

/** What a transaction can touch. */
export interface StoreTx {
  flows: FlowRepository;
  audit: AuditAppender;
  outbox: OutboxWriter;
  /** The adapter's own transaction handle, for a directory that lives in the same database. */
  readonly native: unknown;
}

/** The system of record (SQLite or PostgreSQL). */
export interface Store {
  /** Runs `work` atomically; a throw rolls everything back. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads outside a transaction. */
  readonly flows: Pick<FlowRepository, 'findByHandleHash' | 'findByLinkHash'>;
  /** Account leases, taken and released outside any transaction (they must be visible to other nodes at once). */
  readonly locks: AccountLocks;
}
