import { hashHandle, newFlowHandle } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import { accountLimitKey, firstExhausted, rateLimitedError } from '../limits.js';
import type { MethodVerifier } from '../methods/method-verifier.js';
import type { Passkeys } from '../methods/webauthn/passkeys.js';
import { ProofFailureCap } from '../proof-failure-cap.js';
import type { AdminSessionRecord, AdminSessionRepository } from '../ports/admin-sessions.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { MethodRepository } from '../ports/methods.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { WebAuthnOptionsJson, WebAuthnResponseJson } from '../ports/webauthn.js';
import { noGrants } from './operator-grants.js';
import type { Operator, OperatorGrants } from './operator.js';

/** The strong methods that finish a console sign-in. SMS and backup codes do not: the console guards everyone. */
export type OperatorMethod = 'totp' | 'webauthn';
const OPERATOR_METHODS: readonly OperatorMethod[] = ['totp', 'webauthn'];

export interface AdminSignInSettings {
  /** A session ends after this long without a request. */
  idleTimeoutSeconds: number;
  /** A session ends this long after sign-in. */
  absoluteLifetimeSeconds: number;
  /** Time to prove the strong method after the password. */
  partialTtlSeconds: number;
  /** Wrong proofs before the half-signed-in session ends. */
  maxProofAttempts: number;
}

export interface AdminSignInDeps {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  clock: Clock;
  sessions: AdminSessionRepository;
  methods: MethodRepository;
  verifier: MethodVerifier;
  passkeys?: Passkeys;
  /** A person's console roles from their tenant and groups (config `tenants[].operators`). */
  grantsFor: (tenantId: string, groups: readonly string[]) => OperatorGrants;
  settings: AdminSignInSettings;
}

export interface AdminPasswordOk {
  /** The half-signed-in session's token (192 bits); stored only as its SHA-256. */
  token: string;
  methods: OperatorMethod[];
  expiresAt: Date;
}

export type AdminProofResult = { ok: true; token: string } | { ok: false; code: 'code_invalid'; attemptsLeft: number } | { ok: false; code: 'code_attempts_exceeded' };

/** A person signed in by the organisation's OIDC provider: who they are and the groups its claim listed. */
export interface ExternalIdentity {
  tenantId: string;
  subject: string;
  username: string;
  displayName: string;
  groups: readonly string[];
}

/**
 * Operator sign-in: the password of a person of a tenant's directory, then a passkey or authenticator code.
 * One answer (`invalid_credentials`) for unknown people, wrong passwords and people without a console role,
 * after the same work; only a person who proved the password and holds a role hears that they still lack a
 * strong method. Sessions are idle-limited and end at an absolute lifetime.
 */
export class AdminSignIn {
  private readonly cap: ProofFailureCap;

  constructor(private readonly deps: AdminSignInDeps) {
    this.cap = new ProofFailureCap(deps.limiter);
  }

  async start(input: { tenantId: string; identifier: string; password: string; client: ClientInfo }): Promise<AdminPasswordOk> {
    const { directory, tenants, limiter } = this.deps;
    const { tenantId, client } = input;
    const rateKey = normalizeIdentifier(input.identifier);
    if (rateKey.length === 0 || rateKey.length > 256 || input.password.length > 1024) throw new UnlatchError('invalid_request', { field: 'identifier' });
    const byIp = await firstExhausted(limiter, [['change_ip', client.ip]]);
    if (byIp) throw rateLimitedError(byIp.retryAfterSeconds);
    const account = tenants.get(tenantId) ? await directory.findByIdentifier(tenantId, rateKey) : null;
    const byAccount = await firstExhausted(limiter, [['change_identifier', `admin:${tenantId}:${accountLimitKey(account, rateKey)}`]]);
    if (byAccount) throw rateLimitedError(byAccount.retryAfterSeconds);
    const valid = account && account.enabled ? await directory.verifyPassword(account, input.password) : (await directory.verifyDummy(input.password, tenantId), false);
    const grants = account && valid ? this.deps.grantsFor(tenantId, account.groups) : {};
    if (!account || !valid || noGrants(grants)) {
      const reason = !account ? 'unknown' : !valid ? 'password' : 'no_role';
      await this.audit(entry('admin.signin_failed', account ? 'failure' : 'decoy', tenantId, account?.id ?? null, client, { reason, ...(account ? {} : { identifier: rateKey }) }));
      throw new UnlatchError('invalid_credentials');
    }
    const methods = await this.strongMethodsOf(account);
    if (methods.length === 0) {
      await this.audit(entry('admin.signin_failed', 'denied', tenantId, account.id, client, { reason: 'no_strong_method' }));
      throw new UnlatchError('operator_method_missing');
    }
    const now = this.deps.clock.now();
    const token = newFlowHandle();
    const session: AdminSessionRecord = {
      tokenHash: hashHandle(token), tenantId, subjectId: account.id, username: account.username, displayName: account.displayName ?? account.username,
      via: 'password', grants, state: 'partial', attempts: 0, createdAt: now, lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.deps.settings.partialTtlSeconds * 1000), revokedAt: null,
    };
    await this.deps.sessions.insert(session);
    await this.audit(entry('admin.signin_password_ok', 'success', tenantId, account.id, client, { methods }));
    return { token, methods, expiresAt: session.expiresAt };
  }

  /** The second step with an authenticator app's code. */
  async proveTotp(input: { token: string; code: string; client: ClientInfo }): Promise<AdminProofResult> {
    const { session, account } = await this.loadPartial(input.token);
    await this.enforceCap(account, input.client);
    const proof = await this.deps.verifier.verify(account, 'totp', input.code);
    return this.settle(input.token, session, account, 'totp', proof.ok, input.client, proof.ok ? undefined : proof.reason);
  }

  /** Options for the passkey step, bound to this half-signed-in session (the person's own credentials listed). */
  async passkeyOptions(input: { token: string }): Promise<WebAuthnOptionsJson> {
    const { session, account } = await this.loadPartial(input.token);
    if (!this.deps.passkeys) throw new UnlatchError('not_found');
    return this.deps.passkeys.authenticationOptions('admin_signin', session.tokenHash, await this.deps.passkeys.passkeysOf(account));
  }

  async provePasskey(input: { token: string; credential: WebAuthnResponseJson; client: ClientInfo }): Promise<AdminProofResult> {
    const { session, account } = await this.loadPartial(input.token);
    await this.enforceCap(account, input.client);
    const result = this.deps.passkeys
      ? await this.deps.passkeys.verifyAssertion({ purpose: 'admin_signin', owner: session.tokenHash, account, response: input.credential, client: input.client, flowId: null })
      : { ok: false as const, reason: 'not_registered' };
    return this.settle(input.token, session, account, 'webauthn', result.ok, input.client, result.ok ? undefined : result.reason);
  }

  /**
   * A full session for a person the organisation's OIDC provider vouched for (its own sign-in stands in for
   * both steps). No role, no session: `invalid_credentials`.
   */
  async startExternal(identity: ExternalIdentity, client: ClientInfo): Promise<string> {
    const grants = this.deps.grantsFor(identity.tenantId, identity.groups);
    if (noGrants(grants)) {
      await this.audit(entry('admin.signin_failed', 'failure', identity.tenantId, identity.subject, client, { reason: 'no_role', via: 'oidc' }));
      throw new UnlatchError('invalid_credentials');
    }
    const now = this.deps.clock.now();
    const token = newFlowHandle();
    await this.deps.sessions.insert({
      tokenHash: hashHandle(token), tenantId: identity.tenantId, subjectId: identity.subject, username: identity.username, displayName: identity.displayName,
      via: 'oidc', grants, state: 'full', attempts: 0, createdAt: now, lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.deps.settings.absoluteLifetimeSeconds * 1000), revokedAt: null,
    });
    await this.audit({ ...entry('admin.signin_completed', 'success', identity.tenantId, identity.subject, client, { via: 'oidc' }), actor: `operator:${identity.tenantId}/${identity.username}` });
    return token;
  }

  /**
   * The operator behind a console cookie, or `admin_session_invalid`: revoked, idle too long, past its lifetime,
   * or (password sessions) the person was disabled or lost every console role since: groups are read again, so
   * removing someone from the admin group takes effect at their next request.
   */
  async resolve(token: string): Promise<Operator> {
    const session = await this.find(token);
    const now = this.deps.clock.now();
    if (!session || session.state !== 'full') throw new UnlatchError('admin_session_invalid');
    if (now.getTime() - session.lastSeenAt.getTime() > this.deps.settings.idleTimeoutSeconds * 1000) {
      await this.deps.sessions.revoke(session.tokenHash, now);
      throw new UnlatchError('admin_session_invalid', { reason: 'idle' });
    }
    let grants = session.grants;
    if (session.via === 'password') {
      const account = await this.deps.directory.findById(session.tenantId, session.subjectId);
      grants = account && account.enabled ? this.deps.grantsFor(session.tenantId, account.groups) : {};
      if (noGrants(grants)) throw new UnlatchError('admin_session_invalid', { reason: 'no_role' });
    }
    await this.deps.sessions.touch(session.tokenHash, now);
    return {
      kind: 'session', id: session.tokenHash.slice(0, 16), homeTenantId: session.tenantId, subjectId: session.subjectId,
      username: session.username, displayName: session.displayName, via: session.via, grants,
    };
  }

  async signOut(token: string, client: ClientInfo): Promise<void> {
    const session = await this.find(token);
    if (!session) return;
    await this.deps.sessions.revoke(session.tokenHash, this.deps.clock.now());
    await this.audit({ ...entry('admin.signed_out', 'success', session.tenantId, session.subjectId, client), actor: `operator:${session.tenantId}/${session.username}` });
  }

  /** Confirmed passkeys and authenticator apps; a person without either cannot enter the console. */
  private async strongMethodsOf(account: DirectoryAccount): Promise<OperatorMethod[]> {
    const registered = await this.deps.methods.listForSubject(account.tenantId, account.id);
    return OPERATOR_METHODS.filter((kind) => registered.some((m) => m.kind === kind && m.confirmed) && (kind !== 'webauthn' || this.deps.passkeys));
  }

  private async settle(token: string, session: AdminSessionRecord, account: DirectoryAccount, method: OperatorMethod, ok: boolean, client: ClientInfo, reason?: string): Promise<AdminProofResult> {
    const { settings, clock } = this.deps;
    const now = clock.now();
    if (ok) {
      const next = { state: 'full' as const, attempts: session.attempts, lastSeenAt: now, expiresAt: new Date(now.getTime() + settings.absoluteLifetimeSeconds * 1000) };
      if (!(await this.deps.sessions.update(session.tokenHash, session, next))) throw new UnlatchError('conflict');
      await this.cap.succeeded(capKey(account));
      await this.audit({ ...entry('admin.signin_completed', 'success', account.tenantId, account.id, client, { method }), actor: `operator:${account.tenantId}/${account.username}` });
      return { ok: true, token };
    }
    await this.cap.failed(capKey(account));
    const attempts = session.attempts + 1;
    const exhausted = attempts >= settings.maxProofAttempts;
    if (!(await this.deps.sessions.update(session.tokenHash, session, { state: 'partial', attempts, expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt }))) throw new UnlatchError('conflict');
    if (exhausted) await this.deps.sessions.revoke(session.tokenHash, now);
    await this.audit(entry('admin.signin_failed', 'failure', account.tenantId, account.id, client, { reason: reason ?? 'wrong', method, attempts }));
    return exhausted ? { ok: false, code: 'code_attempts_exceeded' } : { ok: false, code: 'code_invalid', attemptsLeft: settings.maxProofAttempts - attempts };
  }

  private async enforceCap(account: DirectoryAccount, client: ClientInfo): Promise<void> {
    const retryAfter = await this.cap.pausedFor(capKey(account));
    if (retryAfter === null) return;
    await this.audit(entry('admin.signin_failed', 'denied', account.tenantId, account.id, client, { reason: 'proofs_paused' }));
    throw rateLimitedError(retryAfter);
  }

  private async loadPartial(token: string): Promise<{ session: AdminSessionRecord; account: DirectoryAccount }> {
    const session = await this.find(token);
    if (!session || session.state !== 'partial') throw new UnlatchError('admin_session_invalid');
    const account = await this.deps.directory.findById(session.tenantId, session.subjectId, { fresh: true });
    if (!account || !account.enabled) throw new UnlatchError('admin_session_invalid');
    return { session, account };
  }

  /** A live (not revoked, not expired) session by its token, or null. */
  private async find(token: string): Promise<AdminSessionRecord | null> {
    if (token.length === 0 || token.length > 128) return null;
    const session = await this.deps.sessions.find(hashHandle(token));
    if (!session || session.revokedAt || session.expiresAt.getTime() <= this.deps.clock.now().getTime()) return null;
    return session;
  }

  private async audit(e: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(e));
  }
}

/** The account's key in the failure cap: the same as its resets and security-info sign-ins use. */
function capKey(account: DirectoryAccount): string {
  return `${account.tenantId}:${accountLimitKey(account, '')}`;
}

function entry(event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], tenantId: string, subjectId: string | null, client: ClientInfo, details?: Record<string, unknown>): AuditEntryInput {
  return { event, outcome, tenantId, subjectId, actor: 'operator-sign-in', flowId: null, ip: client.ip, userAgent: client.userAgent, correlationId: client.correlationId, details };
}
