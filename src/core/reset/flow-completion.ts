import type { RiskAssessor } from '../risk/risk-types.js';
import { selfEntry } from '../audit/self-entry.js';
import { withAccountLease } from '../account-lease.js';
import { UnlatchError } from '../errors.js';
import { passwordContextOf } from '../identity/password-context.js';
import { enqueueAccountUnlockedNotice, enqueuePasswordChangedNotice } from '../notices/password-changed-notice.js';
import type { PasswordPolicy, PasswordRejection } from '../password/password-policy.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { FlowSteps } from './flow-steps.js';
import { mailboxesOf } from '../methods/email_code/contact-emails.js';
import type { MethodRepository } from '../ports/methods.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import { signInWithRetries } from './sign-in-check.js';
import type { ResetFlowRecord } from './reset-flow-record.js';
import type { ResetSettings } from './reset-settings.js';
import { flowDetails } from './canary-accounts.js';

export interface FlowCompletionDeps {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  passwords: PasswordPolicy;
  clock: Clock;
  observer: FlowObserver;
  sessions: SessionRepository;
  settings: ResetSettings;
  /** Waits between post-write sign-in checks (replication lag); a real timer in production. */
  delay: (ms: number) => Promise<void>;
  /** The person's extra addresses, which get the notices too. */
  methods: MethodRepository;
  /** Whether the directory's address counts (`directoryEmail`). */
  policyFor: (tenantId: string) => TenantPolicy;
  /** The risk engine, told of each completed reset or unlock (place, hour, device); absent: nothing is remembered. */
  risk?: Pick<RiskAssessor, 'recordSuccess'>;
}

export type SetPasswordResult =
  | {
      ok: true;
      next: 'done';
      /**
       * Whether signing in with the new password worked afterwards: true, false (the directory took the write but
       * refused the new password at sign-in for as long as we retried: replication, or another policy), or null
       * when the directory needs no such check (the built-in store writes in the same transaction).
       */
      signInVerified: boolean | null;
    }
  | { ok: false; code: 'password_rejected'; reasons: PasswordRejection[] };

/**
 * The last step of a flow, once the person has proven who they are: a new password (reset) or an unlock.
 * Each holds the account's lease in the store while it writes to the directory, so two tabs or two nodes
 * never interleave writes to one account; the second gets `conflict` ("try again").
 */
export class FlowCompletion {
  constructor(
    private readonly deps: FlowCompletionDeps,
    private readonly steps: FlowSteps,
  ) {}

  async setPassword(input: { flowId: string; password: string; client: ClientInfo }): Promise<SetPasswordResult> {
    const { directory, tenants, passwords, clock } = this.deps;
    await this.steps.enforce([['password_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.load(input.flowId);
    if (flow.state !== 'awaiting_password') throw new UnlatchError('flow_wrong_step');
    const account = await this.accountOf(flow, input.client);

    const verdict = passwords.check(input.password, passwordContextOf(account, tenants.get(flow.tenantId)));
    if (!verdict.ok) {
      // The flow stays at this step: the person fixes the password, they do not start over.
      const reasons = verdict.reasons.map((r) => r.code);
      await this.steps.auditAlone(selfEntry('reset.password_rejected', 'failure', flow.tenantId, account.id, flow.id, input.client, flowDetails(flow, { reasons })));
      this.deps.observer.observe('reset.password_rejected', { tenantId: flow.tenantId, outcome: 'failure', reason: reasons[0] ?? 'rejected', canary: flow.canary });
      return { ok: false, code: 'password_rejected', reasons: verdict.reasons };
    }

    const now = clock.now();
    const refused = await withAccountLease(this.deps, account, async (): Promise<PasswordRejection[] | null> => {
      const write = await directory.preparePasswordWrite(account, input.password);
      const next = this.steps.advance(flow, 'password_ok', now, {});
      try {
        const mailboxes = await mailboxesOf(this.deps.methods, account, this.deps.policyFor);
        // The time to reset (SLI M2) and the methods proven, for the console's figures (the audit rollup).
        const completed = { durationMs: now.getTime() - flow.createdAt.getTime(), methods: flow.proven };
        await this.steps.save(flow, next, [selfEntry('reset.completed', 'success', flow.tenantId, account.id, flow.id, input.client, flowDetails(flow, completed))], async (tx) => {
          // Any other live flow of this account, and every session, dies with the old password.
          await tx.flows.supersedeActive(flow.tenantId, account.id, now, flow.id);
          const ended = await this.deps.sessions.within(tx).revokeAll(flow.tenantId, account.id, now);
          if (ended > 0) await tx.audit.append(selfEntry('sessions.revoked', 'success', flow.tenantId, account.id, flow.id, input.client, flowDetails(flow, { count: ended, reason: 'password_reset' })));
          await enqueuePasswordChangedNotice(tx, { account, mailboxes, tenantName: tenants.get(flow.tenantId)?.name ?? flow.tenantId, when: now, client: input.client, idempotencyKey: `password_changed:${flow.id}`, flowId: flow.id, canary: flow.canary === true, lang: flow.lang ?? null });
          // The directory write last: everything else in this transaction is staged, so little can fail after it.
          await write.commit(tx);
        });
      } catch (error) {
        await this.reportDirectoryRefusal(error, flow, input.client);
        // The directory's own rules (history, minimum age, complexity) refused it: the person picks another, like ours.
        if (error instanceof UnlatchError && error.code === 'password_rejected') return (error.details?.reasons as PasswordRejection[] | undefined) ?? [{ code: 'directory_policy' }];
        throw error;
      }
      return null;
    }, this.deps.settings.accountLockSeconds);
    if (refused) return { ok: false, code: 'password_rejected', reasons: refused };
    const durationSeconds = (now.getTime() - flow.createdAt.getTime()) / 1000;
    this.deps.observer.observe('reset.completed', { tenantId: flow.tenantId, outcome: 'success', durationSeconds, canary: flow.canary });
    await this.deps.risk?.recordSuccess({ tenantId: flow.tenantId, subjectId: account.id, client: input.client, deviceHash: flow.riskDevice ?? null });
    const signInVerified = await this.checkSignIn(flow, account, input.password, input.client);
    return { ok: true, next: 'done', signInVerified };
  }

  /**
   * Unlocks the account of an unlock flow whose proofs are complete, where the policy still allows it; the
   * password stays as it is. The person is told by email, like every change to their account.
   */
  async unlock(input: { flowId: string; client: ClientInfo }): Promise<{ ok: true; next: 'done'; wasLocked: boolean }> {
    const { directory, tenants, clock } = this.deps;
    await this.steps.enforce([['password_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.load(input.flowId);
    if (flow.state !== 'awaiting_unlock') throw new UnlatchError('flow_wrong_step');
    const account = await this.accountOf(flow, input.client);
    const now = clock.now();
    await withAccountLease(this.deps, account, async () => {
      const next = this.steps.advance(flow, 'unlock_ok', now, {});
      // The directory first: a flow marked done for an unlock that did not happen would be a lie.
      try {
        await directory.unlock(account);
      } catch (error) {
        await this.reportDirectoryRefusal(error, flow, input.client);
        throw error;
      }
      const mailboxes = await mailboxesOf(this.deps.methods, account, this.deps.policyFor);
      await this.steps.save(flow, next, [selfEntry('account.unlocked', 'success', flow.tenantId, account.id, flow.id, input.client, flowDetails(flow, { wasLocked: account.locked }))], async (tx) => {
        await enqueueAccountUnlockedNotice(tx, { account, mailboxes, tenantName: tenants.get(flow.tenantId)?.name ?? flow.tenantId, when: now, client: input.client, idempotencyKey: `account_unlocked:${flow.id}`, flowId: flow.id, canary: flow.canary === true, lang: flow.lang ?? null });
      });
    }, this.deps.settings.accountLockSeconds);
    this.deps.observer.observe('account.unlocked', { tenantId: flow.tenantId, outcome: 'success', canary: flow.canary });
    await this.deps.risk?.recordSuccess({ tenantId: flow.tenantId, subjectId: account.id, client: input.client, deviceHash: flow.riskDevice ?? null });
    return { ok: true, next: 'done', wasLocked: account.locked };
  }

  /** Only a verified real flow gets here (decoys never pass a proof); the account is read again, it may have changed. */
  private async accountOf(flow: ResetFlowRecord, client: ClientInfo): Promise<DirectoryAccount> {
    let account: DirectoryAccount | null = null;
    try {
      // Fresh, not from a cache: an account disabled or moved to an excluded group a minute ago must not be written.
      account = flow.subjectId ? await this.deps.directory.findById(flow.tenantId, flow.subjectId, { fresh: true }) : null;
    } catch (error) {
      await this.reportDirectoryRefusal(error, flow, client);
      throw error;
    }
    if (!account || this.steps.refusalOf(account, true, flow.purpose) !== null) throw new UnlatchError('flow_invalid');
    return account;
  }

  /** A write the directory refused or could not take is audited and counted; the flow stays at its step. */
  private async reportDirectoryRefusal(error: unknown, flow: ResetFlowRecord, client: ClientInfo): Promise<void> {
    if (!(error instanceof UnlatchError)) return;
    if (error.code === 'password_rejected') {
      const reasons = ((error.details?.reasons as PasswordRejection[] | undefined) ?? []).map((r) => r.code);
      await this.steps.auditAlone(selfEntry('reset.password_rejected', 'failure', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, { reasons, by: 'directory' })));
      this.deps.observer.observe('reset.password_rejected', { tenantId: flow.tenantId, outcome: 'failure', reason: reasons[0] ?? 'directory_policy', canary: flow.canary });
    } else if (error.code === 'directory_unavailable') {
      await this.steps.auditAlone(selfEntry('reset.directory_unavailable', 'failure', flow.tenantId, flow.subjectId, flow.id, client, flowDetails(flow, {})));
      this.deps.observer.observe('reset.directory_unavailable', { tenantId: flow.tenantId, outcome: 'failure', canary: flow.canary });
    }
  }

  /**
   * Signs in as the person with the new password, retrying with doubling delays while replicas catch up.
   * The outcome is audited and counted (the post-reset sign-in SLI); the reset itself already happened.
   */
  private async checkSignIn(flow: ResetFlowRecord, account: DirectoryAccount, password: string, client: ClientInfo): Promise<boolean | null> {
    if (!this.deps.directory.checksWritesBySignIn?.(account)) return null;
    if (this.deps.settings.postWriteCheck.attempts === 0) return null;
    const { ok, tries } = await signInWithRetries(() => this.deps.directory.verifyPassword(account, password), this.deps.settings.postWriteCheck, this.deps.delay);
    await this.steps.auditAlone(selfEntry('reset.sign_in_checked', ok ? 'success' : 'failure', flow.tenantId, account.id, flow.id, client, flowDetails(flow, { tries })));
    this.deps.observer.observe('reset.sign_in_checked', { tenantId: flow.tenantId, outcome: ok ? 'success' : 'failure', canary: flow.canary });
    return ok;
  }
}
