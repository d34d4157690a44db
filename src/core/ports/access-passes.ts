import type { StoreTx } from './store.js';

/**
 * A temporary access pass: a one-time secret the helpdesk issues after it verified a caller. Only its hash is
 * stored; the pass itself is shown once, to the agent who reads it out.
 */
export interface AccessPassRecord {
  id: string;
  tenantId: string;
  subjectId: string;
  /** The operator's subject ("helpdesk agent"). */
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usesLeft: number;
  /** When a use was last spent, or null. */
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** What spending a pass found: `ok` (one use spent), or why not. */
export type AccessPassSpend = 'ok' | 'expired' | 'used' | 'wrong';

/** Temporary access passes, kept hashed (SHA-256 hex of the normalised pass). */
export interface AccessPassRepository {
  /** Stores a new pass (its hash), inside the transaction that audits and announces it. Revokes the person's earlier live passes. */
  insert(tx: StoreTx, record: AccessPassRecord, passHash: string): Promise<void>;
  /** Atomically spends one use of the person's pass with this hash: one UPDATE … WHERE uses_left > 0 AND expires_at > now AND revoked_at IS NULL. */
  spend(tx: StoreTx | null, tenantId: string, subjectId: string, passHash: string, now: Date): Promise<AccessPassSpend>;
  /** Live passes of a person (for the console's person page). */
  listLive(tenantId: string, subjectId: string, now: Date): Promise<AccessPassRecord[]>;
  /** Ends a pass early (the console's "revoke"). */
  revoke(tx: StoreTx, tenantId: string, id: string, now: Date): Promise<boolean>;
}
