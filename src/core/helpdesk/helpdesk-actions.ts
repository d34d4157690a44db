import { withAccountLease } from '../account-lease.js';
import { actorOf } from '../admin/operator.js';
import { UnlatchError } from '../errors.js';
import { issueAccessPass } from '../methods/access_pass/access-pass-issuer.js';
import { accessPassUsable } from '../methods/access_pass/usable.js';
import { decidePolicy } from '../policy/method-policy.js';
import type { AccessPassRepository } from '../ports/access-passes.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { HelpdeskCheck, HelpdeskCheckRepository, HelpdeskRequest } from '../ports/helpdesk.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { HelpdeskApprovals } from './approvals.js';
import { helpdeskEntry, type HelpdeskAgent } from './helpdesk-entry.js';
import { announceHelpdeskAction, type HelpdeskNoticeDeps } from './helpdesk-notice.js';
import { ACCESS_PASS_MIN_MINUTES, type HelpdeskSettings } from './helpdesk-settings.js';
import { parseTicket } from './ticket.js';

export interface HelpdeskActionDeps extends HelpdeskNoticeDeps {
  store: Store;
  directory: Directory;
  checks: HelpdeskCheckRepository;
  passes: AccessPassRepository;
  approvals: HelpdeskApprovals;
  clock: Clock;
  settings: HelpdeskSettings;
  /** How long a directory write may hold the account's lease (`reset.accountLockSeconds`). */
  accountLockSeconds: number;
}

/** An action became a request for a second operator (protected person). */
export type RequestedResult = { kind: 'requested'; request: HelpdeskRequest; created: boolean };

/** What a step needs once the caller is checked: the person read fresh, the agent's passed check, the approval spent with it. */
export interface ActionContext {
  account: DirectoryAccount;
  check: HelpdeskCheck;
  request: HelpdeskRequest | null;
}

/** Parses a whole number of a form field within bounds, or `invalid_request` naming the field. */
export function boundedInt(raw: unknown, fallback: number, min: number, max: number, field: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new UnlatchError('invalid_request', { field, reason: 'out_of_range', min, max });
  return value;
}

/**
 * The helpdesk's actions after a passed check: unlock, a temporary access pass, removing a lost method (the
 * one-time password is in `one-time-password.ts`). Each reads the person fresh, needs the agent's passed and
 * unexpired check, goes through the second operator for protected people, is audited as `helpdesk.action`
 * with the ticket, and is announced to the person on every channel.
 */
export class HelpdeskActions {
  constructor(private readonly deps: HelpdeskActionDeps) {}

  /** The person (fresh) and the agent's passed check; `helpdesk_check_required` (audited) without one. */
  async checked(agent: HelpdeskAgent, tenantId: string, subjectId: string, action: string): Promise<{ account: DirectoryAccount; check: HelpdeskCheck }> {
    const account = await this.deps.directory.findById(tenantId, subjectId, { fresh: true });
    if (!account) throw new UnlatchError('not_found');
    const check = await this.deps.checks.current(tenantId, account.id, actorOf(agent.operator), this.deps.clock.now());
    if (!check || check.state !== 'passed') {
      await this.deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'denied', account, check?.ticket ?? '', { action, reason: 'no_passed_check' })));
      throw new UnlatchError('helpdesk_check_required');
    }
    if (!account.enabled) throw new UnlatchError('invalid_request', { reason: 'account_disabled' });
    return { account, check };
  }

  /** Unlocks the account (a fresh read, the lease held while the directory writes). */
  async unlock(agent: HelpdeskAgent, tenantId: string, subjectId: string): Promise<RequestedResult | { kind: 'unlocked'; wasLocked: boolean }> {
    const { account, check } = await this.checked(agent, tenantId, subjectId, 'unlock');
    const gate = await this.deps.approvals.gate(agent, account, check.ticket, 'unlock', {});
    if (!gate.allowed) return { kind: 'requested', request: gate.request, created: gate.created };
    const now = this.deps.clock.now();
    await withAccountLease(this.deps, account, async () => {
      // The approval is spent before the directory is touched: two tabs cannot both unlock on one approval, and
      // a spent approval can no longer fail the audit transaction after the directory was changed.
      if (gate.request) await this.deps.store.transaction((tx) => this.deps.approvals.spend(tx, gate.request));
      // Then the directory: an audit entry for an unlock that did not happen would be a lie.
      await this.deps.directory.unlock(account);
      await this.deps.store.transaction(async (tx) => {
        await tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'success', account, check.ticket, { action: 'unlock', checkId: check.id, requestId: gate.request?.id ?? null, wasLocked: account.locked }));
        await announceHelpdeskAction(this.deps, tx, account, { action: 'unlock', ticket: check.ticket, when: now, idempotencyKey: `helpdesk_unlock:${check.id}:${now.getTime()}` });
      });
    }, this.deps.accountLockSeconds);
    return { kind: 'unlocked', wasLocked: account.locked };
  }

  /**
   * Issues a temporary access pass (lifetime 10 min to `accessPass.maxMinutes`, uses 1 to `accessPass.maxUses`),
   * shown once in the result and stored hashed; only where the person's policy has self-service on (the pass is
   * a proof in the portal's reset, which is off for the others).
   */
  async issuePass(agent: HelpdeskAgent, tenantId: string, subjectId: string, input: { minutes?: unknown; uses?: unknown }): Promise<RequestedResult | { kind: 'access_pass'; pass: string; expiresAt: Date; uses: number }> {
    const { settings } = this.deps;
    const minutes = boundedInt(input.minutes, settings.accessPass.defaultMinutes, ACCESS_PASS_MIN_MINUTES, settings.accessPass.maxMinutes, 'minutes');
    const uses = boundedInt(input.uses, 1, 1, settings.accessPass.maxUses, 'uses');
    const { account, check } = await this.checked(agent, tenantId, subjectId, 'access_pass');
    if (!accessPassUsable(decidePolicy(this.deps.policyFor(tenantId), account))) throw new UnlatchError('invalid_request', { field: 'minutes', reason: 'sspr_off' });
    const gate = await this.deps.approvals.gate(agent, account, check.ticket, 'access_pass', { minutes, uses });
    if (!gate.allowed) return { kind: 'requested', request: gate.request, created: gate.created };
    // What the second operator approved is what is issued.
    const approved = gate.request ? { minutes: Number(gate.request.params.minutes), uses: Number(gate.request.params.uses) } : { minutes, uses };
    const now = this.deps.clock.now();
    const issued = await this.deps.store.transaction(async (tx) => {
      await this.deps.approvals.spend(tx, gate.request);
      const result = await issueAccessPass(this.deps.passes, tx, { tenantId, subjectId: account.id, createdBy: actorOf(agent.operator), now, ...approved });
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'success', account, check.ticket, {
        action: 'access_pass', checkId: check.id, requestId: gate.request?.id ?? null, passId: result.record.id, minutes: approved.minutes, uses: approved.uses,
      }));
      await announceHelpdeskAction(this.deps, tx, account, { action: 'access_pass', ticket: check.ticket, when: now, expiresAt: result.record.expiresAt, idempotencyKey: `helpdesk_pass:${result.record.id}` });
      return result;
    });
    return { kind: 'access_pass', pass: issued.pass, expiresAt: issued.record.expiresAt, uses: approved.uses };
  }

  /** Ends a live pass early. Takes access away, so no check is needed; the ticket is, and it is audited and told. */
  async revokePass(agent: HelpdeskAgent, tenantId: string, subjectId: string, input: { passId: string; ticket: unknown }): Promise<boolean> {
    const ticket = parseTicket(input.ticket);
    const account = await this.deps.directory.findById(tenantId, subjectId, { fresh: true });
    if (!account) throw new UnlatchError('not_found');
    const now = this.deps.clock.now();
    const live = await this.deps.passes.listLive(tenantId, account.id, now);
    if (!live.some((p) => p.id === input.passId)) throw new UnlatchError('not_found');
    return this.deps.store.transaction(async (tx) => {
      if (!(await this.deps.passes.revoke(tx, tenantId, input.passId, now))) return false;
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'success', account, ticket, { action: 'access_pass_revoked', passId: input.passId }));
      await announceHelpdeskAction(this.deps, tx, account, { action: 'access_pass_revoked', ticket, when: now, idempotencyKey: `helpdesk_pass_revoked:${input.passId}` });
      return true;
    });
  }

  /** Removes one of the person's methods they lost, so they can register a new one. Told first, on that channel too. */
  async removeMethod(agent: HelpdeskAgent, tenantId: string, subjectId: string, methodId: string): Promise<RequestedResult | { kind: 'method_removed'; methodName: string }> {
    const { account, check } = await this.checked(agent, tenantId, subjectId, 'remove_method');
    const method = await this.deps.methods.get(tenantId, methodId);
    if (!method || method.subjectId !== account.id) throw new UnlatchError('not_found');
    const gate = await this.deps.approvals.gate(agent, account, check.ticket, 'remove_method', { methodId });
    if (!gate.allowed) return { kind: 'requested', request: gate.request, created: gate.created };
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await this.deps.approvals.spend(tx, gate.request);
      // Announced before the removal: the removed address or phone hears of it as well.
      await announceHelpdeskAction(this.deps, tx, account, { action: 'remove_method', ticket: check.ticket, when: now, methodName: method.name, idempotencyKey: `helpdesk_remove:${method.id}` });
      if (!(await this.deps.methods.within(tx).remove(tenantId, method.id))) throw new UnlatchError('not_found');
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.action', 'success', account, check.ticket, { action: 'remove_method', checkId: check.id, requestId: gate.request?.id ?? null, kind: method.kind, methodId: method.id }));
    });
    return { kind: 'method_removed', methodName: method.name };
  }
}
