import type { StoreTx } from './store.js';

export type SessionState = 'partial' | 'full';

/** A sign-in session; `tokenHash` is the SHA-256 of the bearer token, which is never stored. */
export interface SessionRecord {
  tokenHash: string;
  tenantId: string;
  subjectId: string;
  state: SessionState;
  /** Wrong method proofs in a partial session. */
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Sessions of people signed in to manage their security info. */
export interface SessionRepository {
  within(tx: StoreTx): SessionRepository;
  insert(session: SessionRecord): Promise<void>;
  find(tokenHash: string): Promise<SessionRecord | null>;
  /** Moves a partial session on (to `full`, or counts a wrong proof) if nobody else did first. */
  update(tokenHash: string, expected: { state: SessionState; attempts: number }, next: { state: SessionState; attempts: number; expiresAt: Date }): Promise<boolean>;
  revoke(tokenHash: string, now: Date): Promise<void>;
  /** Ends every session of the person: after a password reset or change, and on sign-out everywhere. */
  revokeAll(tenantId: string, subjectId: string, now: Date): Promise<number>;
}
