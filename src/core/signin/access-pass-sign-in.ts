import { selfEntry } from '../audit/self-entry.js';
import { hashHandle, newFlowHandle } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { accountLimitKey } from '../limits.js';
import { normaliseAccessPass } from '../methods/access_pass/access-pass-code.js';
import { accountBehindGuessLimits } from './guessed-account.js';
import type { ProofFailureCap } from '../proof-failure-cap.js';
import type { AccessPassRepository } from '../ports/access-passes.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { SessionRecord, SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';

export interface AccessPassSignInDeps {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  clock: Clock;
  sessions: SessionRepository;
  accessPasses?: AccessPassRepository | null;
  /** The account's cap of consecutive failed proofs, shared with resets and the method step of sign-in. */
  cap: ProofFailureCap;
  sessionTtlSeconds: number;
}

/**
 * Signs a person in to security info with a temporary access pass from the helpdesk instead of the password
 * and a registered method: a person who lost every method has nothing else to sign in with, and registers new
 * ones here. One use of the pass is spent. An unknown account, a wrong, spent or expired pass, and paused
 * proofs all get one answer (`invalid_credentials`) after the same work; the audit trail says which.
 * Returns the token of a full session.
 */
export async function signInWithAccessPass(
  deps: AccessPassSignInDeps,
  input: { tenantId: string; identifier: string; pass: string; client: ClientInfo },
): Promise<{ token: string; expiresAt: Date }> {
  const { clock } = deps;
  const tenantId = input.tenantId;
  // A pass is a secret guessed like a password: the same buckets as the password sign-in and change.
  const { account, rateKey } = await accountBehindGuessLimits(deps, tenantId, input.identifier, input.client.ip);

  const capKey = `${tenantId}:${accountLimitKey(account, '')}`;
  const paused = account ? (await deps.cap.pausedFor(capKey)) !== null : false;
  const pass = normaliseAccessPass(input.pass);
  const owner = account && account.enabled && !paused && pass !== null ? account.id : '';
  // Every attempt asks the store once; one for nobody (subject '') finds nothing, after the same work.
  const spent = deps.accessPasses ? await deps.accessPasses.spend(null, tenantId, owner, hashHandle(pass ?? input.pass), clock.now()) : 'wrong';
  if (!account || spent !== 'ok') {
    const reason = paused ? 'proofs_paused' : !account?.enabled && account ? 'disabled' : spent;
    await audit(deps, selfEntry('signin.failed', account ? 'failure' : 'decoy', tenantId, account?.id ?? null, null, input.client, account ? { method: 'access_pass', reason } : { identifier: rateKey, method: 'access_pass' }));
    if (account && !paused) await deps.cap.failed(capKey);
    throw new UnlatchError('invalid_credentials');
  }

  const now = clock.now();
  const token = newFlowHandle();
  const session: SessionRecord = {
    tokenHash: hashHandle(token),
    tenantId,
    subjectId: account.id,
    state: 'full',
    attempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.sessionTtlSeconds * 1000),
    revokedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    await deps.sessions.within(tx).insert(session);
    await tx.audit.append(selfEntry('signin.completed', 'success', tenantId, account.id, null, input.client, { method: 'access_pass' }));
  });
  await deps.cap.succeeded(capKey);
  return { token, expiresAt: session.expiresAt };
}

async function audit(deps: Pick<AccessPassSignInDeps, 'store'>, entry: AuditEntryInput): Promise<void> {
  await deps.store.transaction((tx) => tx.audit.append(entry));
}
