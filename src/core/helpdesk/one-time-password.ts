import { randomInt } from 'node:crypto';
import { withAccountLease } from '../account-lease.js';
import { actorOf } from '../admin/operator.js';
import { UnlatchError } from '../errors.js';
import { passwordContextOf } from '../identity/password-context.js';
import type { PasswordPolicy, PasswordRejection } from '../password/password-policy.js';
import type { SessionRepository } from '../ports/sessions.js';
import { signInWithRetries } from '../reset/sign-in-check.js';
import type { HelpdeskActions, HelpdeskActionDeps, RequestedResult } from './helpdesk-actions.js';
import { helpdeskEntry, type HelpdeskAgent } from './helpdesk-entry.js';
import { announceHelpdeskAction } from './helpdesk-notice.js';

/** Lower-case letters and digits a caller cannot confuse when read out (no 0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A strong one-time password to read out: five groups of four (`abcd-efgh-…`), about 99 bits. */
export function newOneTimePassword(): string {
  return Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(0, ALPHABET.length)]).join('')).join('-');
}

export interface OneTimePasswordDeps extends HelpdeskActionDeps {
  passwords: PasswordPolicy;
  sessions: SessionRepository;
  /** After a write to a directory of its own: sign in with the new password, retrying for replication (`reset.postWriteCheck`). */
  postWriteCheck: { attempts: number; initialDelayMs: number };
  delay: (ms: number) => Promise<void>;
}

export type OneTimePasswordResult =
  | RequestedResult
  | { kind: 'one_time_password'; password: string; generated: boolean; signInVerified: boolean | null }
  | { kind: 'password_rejected'; reasons: PasswordRejection[] };

/**
 * Sets a one-time password the person must change at their next sign-in (where the directory can mark it:
 * AD `pwdLastSet=0`, ppolicy `pwdReset`, the built-in store), generated or typed by the agent (then it must
 * pass the tenant's password rules). The write goes the way a self-service reset's does: the account's lease,
 * the directory's refusals mapped to plain reasons, other flows and sessions ended, the sign-in check after.
 */
export class OneTimePasswords {
  constructor(
    private readonly deps: OneTimePasswordDeps,
    private readonly actions: HelpdeskActions,
  ) {}

  /** Whether the person's directory can mark a password as one to change (the page offers the action only then). */
  supported(account: Parameters<NonNullable<HelpdeskActionDeps['directory']['supportsMustChange']>>[0]): boolean {
    return this.deps.directory.supportsMustChange?.(account) ?? false;
  }

  async set(agent: HelpdeskAgent, tenantId: string, subjectId: string, input: { password?: unknown }): Promise<OneTimePasswordResult> {
    const { deps } = this;
    const typed = typeof input.password === 'string' && input.password !== '' ? input.password : null;
    if (input.password !== undefined && typeof input.password !== 'string') throw new UnlatchError('invalid_request', { field: 'password' });
    const { account, check } = await this.actions.checked(agent, tenantId, subjectId, 'one_time_password');
    if (!this.supported(account)) throw new UnlatchError('invalid_request', { field: 'password', reason: 'must_change_unsupported' });
    const context = passwordContextOf(account, deps.tenants.get(tenantId));
    const password = typed ?? newOneTimePassword();
    const verdict = deps.passwords.check(password, context);
    const base = { action: 'one_time_password', checkId: check.id, generated: typed === null };
    if (!verdict.ok) {
      await deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'failure', account, check.ticket, { ...base, reasons: verdict.reasons.map((r) => r.code) })));
      return { kind: 'password_rejected', reasons: verdict.reasons };
    }
    const gate = await deps.approvals.gate(agent, account, check.ticket, 'one_time_password', {});
    if (!gate.allowed) return { kind: 'requested', request: gate.request, created: gate.created };
    const now = deps.clock.now();
    const refused = await withAccountLease(deps, account, async (): Promise<PasswordRejection[] | null> => {
      const write = await deps.directory.preparePasswordWrite(account, password, { mustChange: true });
      try {
        await deps.store.transaction(async (tx) => {
          await deps.approvals.spend(tx, gate.request);
          // Like a reset: every live flow and every session of the account ends with the old password.
          await tx.flows.supersedeActive(tenantId, account.id, now);
          const ended = await deps.sessions.within(tx).revokeAll(tenantId, account.id, now);
          await tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'success', account, check.ticket, { ...base, requestId: gate.request?.id ?? null, sessionsEnded: ended }));
          await announceHelpdeskAction(deps, tx, account, { action: 'one_time_password', ticket: check.ticket, when: now, idempotencyKey: `helpdesk_otp:${check.id}:${now.getTime()}` });
          // The directory write last: everything else is staged, so little can fail after it.
          await write.commit(tx);
        });
      } catch (error) {
        if (error instanceof UnlatchError && error.code === 'password_rejected') {
          const reasons = (error.details?.reasons as PasswordRejection[] | undefined) ?? [{ code: 'directory_policy' }];
          await deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'failure', account, check.ticket, { ...base, reasons: reasons.map((r) => r.code), by: 'directory' })));
          return reasons;
        }
        throw error;
      }
      return null;
    }, deps.accountLockSeconds);
    if (refused) return { kind: 'password_rejected', reasons: refused };
    return { kind: 'one_time_password', password, generated: typed === null, signInVerified: await this.signInCheck(agent, account, check.ticket, password) };
  }

  /** Proves a write to a directory of its own by signing in (a must-change refusal counts as right), audited. */
  private async signInCheck(agent: HelpdeskAgent, account: Parameters<HelpdeskActionDeps['directory']['verifyPassword']>[0], ticket: string, password: string): Promise<boolean | null> {
    const { deps } = this;
    if (!deps.directory.checksWritesBySignIn?.(account) || deps.postWriteCheck.attempts === 0) return null;
    const { ok, tries } = await signInWithRetries(() => deps.directory.verifyPassword(account, password, { acceptMustChange: true }), deps.postWriteCheck, deps.delay);
    await deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'reset.sign_in_checked', ok ? 'success' : 'failure', account, ticket, { tries, by: actorOf(agent.operator), action: 'one_time_password' })));
    return ok;
  }
}
