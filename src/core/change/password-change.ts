import { UnlatchError } from '../errors.js';
import { accountLimitKey, firstExhausted, rateLimitedError } from '../limits.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import { passwordContextOf } from '../identity/password-context.js';
import type { PasswordPolicy, PasswordRejection } from '../password/password-policy.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryPasswordRules } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { Limiter } from '../ports/limiter.js';
import type { SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import { newId } from '../crypto/secrets.js';
import { enqueuePasswordChangedNotice } from '../notices/password-changed-notice.js';
import { selfEntry } from '../audit/self-entry.js';
import { withAccountLease } from '../account-lease.js';
import { mailboxesOf } from '../methods/email_code/contact-emails.js';
import type { MethodRepository } from '../ports/methods.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import { isServiceAccount, SERVICE_ACCOUNT_REASON } from '../policy/service-accounts.js';

export interface PasswordChangeDeps {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  passwords: PasswordPolicy;
  clock: Clock;
  observer: FlowObserver;
  /** Sign-in sessions, all ended when the password changes. */
  sessions: SessionRepository;
  /** The person's extra addresses, which get the notice too (without them: the directory's address only). */
  methods?: MethodRepository;
  /** Whether the directory's address counts (`directoryEmail`). */
  policyFor?: (tenantId: string) => TenantPolicy;
}

export type PasswordChangeResult = { ok: true } | { ok: false; code: 'password_rejected'; reasons: PasswordRejection[] };

/**
 * Change a known password. Credentials are checked before the password rules, so a rule that looks at
 * account data (the display name) cannot tell a stranger anything about an account.
 */
export class PasswordChange {
  constructor(private readonly deps: PasswordChangeDeps) {}

  /**
   * The directory's own rules for everyone of a configured tenant (AD's domain policy), to show before the
   * first try: the person is not known until they submit. Null when the directory cannot tell; never throws.
   */
  async directoryRules(tenantId: string): Promise<DirectoryPasswordRules | null> {
    const { directory, tenants } = this.deps;
    if (!tenants.get(tenantId) || !directory.tenantPasswordRules) return null;
    return directory.tenantPasswordRules(tenantId).catch(() => null);
  }

  async change(input: {
    tenantId: string;
    identifier: string;
    currentPassword: string;
    newPassword: string;
    client: ClientInfo;
  }): Promise<PasswordChangeResult> {
    const { store, directory, tenants, limiter, passwords, clock, observer } = this.deps;
    const tenantId = input.tenantId;
    const rateKey = normalizeIdentifier(input.identifier);
    if (rateKey.length === 0 || rateKey.length > 256) throw new UnlatchError('invalid_request', { field: 'identifier' });
    const audit = (event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], subjectId: string | null, details?: Record<string, unknown>) =>
      selfEntry(event, outcome, tenantId, subjectId, null, input.client, details);

    const refuse = async (bucket: string, retryAfterSeconds: number): Promise<never> => {
      await store.transaction((tx) => tx.audit.append(audit('password.change_rate_limited', 'denied', null, { bucket })));
      observer.observe('password.change_rate_limited', { tenantId, outcome: 'denied', reason: bucket });
      throw rateLimitedError(retryAfterSeconds);
    };
    const byIp = await firstExhausted(limiter, [['change_ip', input.client.ip]]);
    if (byIp) await refuse(byIp.bucket, byIp.retryAfterSeconds);

    const account = tenants.get(tenantId) ? await directory.findByIdentifier(tenantId, rateKey) : null;
    // Per account, not per spelling (the identifier itself when nothing matched): one call either way.
    const byAccount = await firstExhausted(limiter, [['change_identifier', `${tenantId}:${accountLimitKey(account, rateKey)}`]]);
    if (byAccount) await refuse(byAccount.bucket, byAccount.retryAfterSeconds);
    // A privileged or service account never changes here: a wrong password's answer after the same work, audited as suspicious.
    const service = account !== null && isServiceAccount(this.deps.policyFor?.(tenantId).serviceAccounts, account);
    const valid = account && account.enabled && !service
      ? await directory.verifyPassword(account, input.currentPassword, { acceptMustChange: true })
      : (await directory.verifyDummy(input.currentPassword, tenantId), false);
    if (!account || !valid) {
      const details = service ? { reason: SERVICE_ACCOUNT_REASON, suspicious: true } : account ? {} : { identifier: rateKey };
      await store.transaction((tx) => tx.audit.append(audit('password.change_failed', service ? 'denied' : account ? 'failure' : 'decoy', account?.id ?? null, details)));
      observer.observe('password.change_failed', { tenantId, outcome: 'failure', reason: 'invalid_credentials', ...(service ? { suspicious: SERVICE_ACCOUNT_REASON } : {}) });
      throw new UnlatchError('invalid_credentials');
    }

    const verdict = passwords.check(input.newPassword, passwordContextOf(account, tenants.get(tenantId)));
    if (!verdict.ok) {
      const reasons = verdict.reasons.map((r) => r.code);
      await store.transaction((tx) => tx.audit.append(audit('password.change_rejected', 'failure', account.id, { reasons })));
      observer.observe('password.change_rejected', { tenantId, outcome: 'failure', reason: reasons[0] ?? 'rejected' });
      return { ok: false, code: 'password_rejected', reasons: verdict.reasons };
    }

    const now = clock.now();
    const refused = await withAccountLease(this.deps, account, async (): Promise<PasswordRejection[] | null> => {
      // A person's own change: the directory applies its rules for users (history, minimum age) as the person.
      const write = await directory.changePassword(account, input.currentPassword, input.newPassword);
      try {
        const mailboxes = this.deps.methods ? await mailboxesOf(this.deps.methods, account, this.deps.policyFor) : account.email ? [account.email] : [];
        await store.transaction(async (tx) => {
          // SECURITY.md: a reset token dies when the password changes by any path.
          await tx.flows.supersedeActive(tenantId, account.id, now);
          const ended = await this.deps.sessions.within(tx).revokeAll(tenantId, account.id, now);
          if (ended > 0) await tx.audit.append(audit('sessions.revoked', 'success', account.id, { count: ended, reason: 'password_changed' }));
          await tx.audit.append(audit('password.changed', 'success', account.id));
          await enqueuePasswordChangedNotice(tx, { account, mailboxes, tenantName: tenants.get(tenantId)?.name ?? tenantId, when: now, client: input.client, idempotencyKey: `password_changed:${newId()}`, flowId: null });
          // The directory write last: everything else in this transaction is staged, so little can fail after it.
          await write.commit(tx);
        });
        return null;
      } catch (error) {
        if (!(error instanceof UnlatchError) || error.code !== 'password_rejected') throw error;
        return (error.details?.reasons as PasswordRejection[] | undefined) ?? [{ code: 'directory_policy' }];
      }
    });
    if (refused) {
      await store.transaction((tx) => tx.audit.append(audit('password.change_rejected', 'failure', account.id, { reasons: refused.map((r) => r.code), by: 'directory' })));
      observer.observe('password.change_rejected', { tenantId, outcome: 'failure', reason: refused[0]?.code ?? 'directory_policy' });
      return { ok: false, code: 'password_rejected', reasons: refused };
    }
    observer.observe('password.changed', { tenantId, outcome: 'success' });
    return { ok: true };
  }
}
