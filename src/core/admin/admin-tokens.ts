import { hashHandle, newFlowHandle, newId } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import type { AdminTokenRecord, AdminTokenRepository } from '../ports/admin-sessions.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { AdminRole, Operator } from './operator.js';

/** What every admin API token starts with, so a leaked one is recognisable (secret scanners, logs). */
export const ADMIN_TOKEN_PREFIX = 'unlatch_at_';
const TOKEN_SHAPE = /^unlatch_at_[A-Za-z0-9_-]{20,64}$/;
/** Longest life of a token: a year. Automation that needs more rotates it. */
const MAX_TTL_SECONDS = 366 * 86_400;

export interface AdminTokensDeps {
  store: Store;
  tokens: AdminTokenRepository;
  clock: Clock;
  /** Every configured tenant id (a token may name only these). */
  tenantIds: () => readonly string[];
}

export interface CreatedAdminToken {
  record: AdminTokenRecord;
  /** Shown once; only its SHA-256 is stored. */
  token: string;
}

/**
 * Bearer tokens for the admin API (`unlatch admin token create`): one role on named tenants, stored as a
 * SHA-256 only, with an expiry, revocable, audited when made and when revoked, and their last use recorded.
 */
export class AdminTokens {
  constructor(private readonly deps: AdminTokensDeps) {}

  async create(input: { role: AdminRole; tenants: readonly string[]; ttlSeconds: number; name: string; createdBy: string }): Promise<CreatedAdminToken> {
    const known = this.deps.tenantIds();
    const tenants = [...new Set(input.tenants)];
    if (tenants.length === 0 || tenants.some((t) => !known.includes(t))) throw new UnlatchError('invalid_request', { field: 'tenant' });
    if (!Number.isInteger(input.ttlSeconds) || input.ttlSeconds < 60 || input.ttlSeconds > MAX_TTL_SECONDS) throw new UnlatchError('invalid_request', { field: 'expires' });
    const name = input.name.trim().slice(0, 128) || `${input.role} token`;
    const now = this.deps.clock.now();
    const token = `${ADMIN_TOKEN_PREFIX}${newFlowHandle()}`;
    const record: AdminTokenRecord = {
      id: newId().replace(/-/g, '').slice(0, 16), tokenHash: hashHandle(token), name, role: input.role, tenants, createdBy: input.createdBy,
      createdAt: now, expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000), revokedAt: null, lastUsedAt: null,
    };
    // The repository writes outside the store's transaction: inside it, SQLite's one connection is held by
    // the transaction and the insert would wait for it forever. A token whose audit entry cannot be written
    // is revoked again, so no usable token exists without its entry.
    await this.deps.tokens.insert(record);
    try {
      await this.deps.store.transaction(async (tx) => {
        for (const tenantId of tenants) await tx.audit.append(tokenEntry('admin.token_created', tenantId, input.createdBy, record));
      });
    } catch (error) {
      await this.deps.tokens.revoke(record.id, now).catch(() => undefined);
      throw error;
    }
    return { record, token };
  }

  async list(): Promise<AdminTokenRecord[]> {
    return this.deps.tokens.list();
  }

  /** Revokes a live token; `not_found` when there is none with that id. */
  async revoke(id: string, by: string): Promise<void> {
    const record = (await this.deps.tokens.list()).find((t) => t.id === id);
    if (!record || !(await this.deps.tokens.revoke(id, this.deps.clock.now()))) throw new UnlatchError('not_found');
    await this.deps.store.transaction(async (tx) => {
      for (const tenantId of record.tenants) await tx.audit.append(tokenEntry('admin.token_revoked', tenantId, by, record));
    });
  }

  /** The operator a bearer token stands for, or `admin_session_invalid` (unknown, malformed, expired, revoked). */
  async resolve(bearer: string): Promise<Operator> {
    if (!TOKEN_SHAPE.test(bearer)) throw new UnlatchError('admin_session_invalid');
    const record = await this.deps.tokens.findByHash(hashHandle(bearer));
    const now = this.deps.clock.now();
    if (!record || record.revokedAt || record.expiresAt.getTime() <= now.getTime()) throw new UnlatchError('admin_session_invalid');
    // Last use to the minute: enough to spot an unused token, without a write per request.
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) await this.deps.tokens.touch(record.id, now);
    return {
      kind: 'token', id: record.id, homeTenantId: record.tenants[0]!, subjectId: null, username: record.name, displayName: record.name, via: 'token',
      grants: Object.fromEntries(record.tenants.map((t) => [t, [record.role]])),
    };
  }
}

function tokenEntry(event: AuditEntryInput['event'], tenantId: string, actor: string, record: AdminTokenRecord): AuditEntryInput {
  return { event, outcome: 'success', tenantId, subjectId: null, actor, details: { tokenId: record.id, name: record.name, role: record.role, tenants: record.tenants, expiresAt: record.expiresAt.toISOString() } };
}
