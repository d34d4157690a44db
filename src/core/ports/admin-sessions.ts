import type { OperatorGrants } from '../admin/operator.js';

/** `partial` after the password, while a strong method must still be proven; `full` after that. */
export type AdminSessionState = 'partial' | 'full';

/** A console session; `tokenHash` is the SHA-256 of the cookie's token, which is never stored. */
export interface AdminSessionRecord {
  tokenHash: string;
  tenantId: string;
  subjectId: string;
  username: string;
  displayName: string;
  via: 'password' | 'oidc';
  /** Roles per tenant as of sign-in (password sessions re-read them from the directory on every request). */
  grants: OperatorGrants;
  state: AdminSessionState;
  /** Wrong proofs in a partial session. */
  attempts: number;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end (partial: the time to prove a method; full: sign-in plus the absolute lifetime). */
  expiresAt: Date;
  revokedAt: Date | null;
}

/** Console sessions, apart from people's security-info sessions. */
export interface AdminSessionRepository {
  insert(session: AdminSessionRecord): Promise<void>;
  find(tokenHash: string): Promise<AdminSessionRecord | null>;
  /** Moves a partial session on (to `full`, or counts a wrong proof) if nobody else did first. */
  update(tokenHash: string, expected: { state: AdminSessionState; attempts: number }, next: { state: AdminSessionState; attempts: number; expiresAt: Date; lastSeenAt: Date }): Promise<boolean>;
  /** Records activity (the idle timeout counts from the last request). */
  touch(tokenHash: string, now: Date): Promise<void>;
  revoke(tokenHash: string, now: Date): Promise<void>;
}

/** An API bearer token for automation; `tokenHash` is the SHA-256 of the token. */
export interface AdminTokenRecord {
  id: string;
  tokenHash: string;
  name: string;
  role: 'admin' | 'helpdesk' | 'auditor';
  tenants: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Admin API tokens, stored hashed, revocable. */
export interface AdminTokenRepository {
  insert(token: AdminTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<AdminTokenRecord | null>;
  list(): Promise<AdminTokenRecord[]>;
  /** False when no live token has this id. */
  revoke(id: string, now: Date): Promise<boolean>;
  touch(id: string, now: Date): Promise<void>;
}
