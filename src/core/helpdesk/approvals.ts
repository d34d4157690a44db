import { actorOf } from '../admin/operator.js';
import { newId } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { HelpdeskAction, HelpdeskRequest, HelpdeskRequestRepository } from '../ports/helpdesk.js';
import type { Store, StoreTx } from '../ports/store.js';
import { helpdeskEntry, type HelpdeskAgent } from './helpdesk-entry.js';
import type { HelpdeskSettings } from './helpdesk-settings.js';

export interface ApprovalDeps {
  store: Store;
  requests: HelpdeskRequestRepository;
  clock: Clock;
  policyFor: (tenantId: string) => TenantPolicy;
  settings: HelpdeskSettings;
}

/** May the action run now? For a protected person only with an approved request, which the action then spends. */
export type ApprovalGate =
  | { allowed: true; request: HelpdeskRequest | null }
  | { allowed: false; request: HelpdeskRequest; created: boolean };

const sameParams = (a: Record<string, string | number>, b: Record<string, string | number>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Two operators for protected people (`helpdesk.protectedGroups`, default the policy's excluded groups): the
 * agent's action becomes a request; another operator with the `admin` role approves or refuses it within
 * `helpdesk.approvalMinutes`; the agent then runs the approved action (once, within as long again). Nobody
 * decides their own request. Every step is audited; requests whose time ran out are marked and audited.
 */
export class HelpdeskApprovals {
  constructor(private readonly deps: ApprovalDeps) {}

  /** Whether the person is in a protected group (compared case-insensitively, like directory groups). */
  isProtected(account: DirectoryAccount): boolean {
    const groups = this.deps.settings.protectedGroups ?? this.deps.policyFor(account.tenantId).excludedGroups;
    const member = new Set(account.groups.map((g) => g.toLowerCase()));
    return groups.some((g) => member.has(g.toLowerCase()));
  }

  /**
   * For a protected person: the agent's approved request for this action, ticket and parameters (to spend), or
   * else their pending one, or else a new pending request (audited as `helpdesk.requested`).
   */
  async gate(agent: HelpdeskAgent, account: DirectoryAccount, ticket: string, action: HelpdeskAction, params: Record<string, string | number>): Promise<ApprovalGate> {
    if (!this.isProtected(account)) return { allowed: true, request: null };
    const now = this.deps.clock.now();
    const actor = actorOf(agent.operator);
    const open = (await this.deps.requests.openFor(account.tenantId, account.id, actor)).filter(
      (r) => r.action === action && r.ticket === ticket && r.expiresAt > now && (action !== 'remove_method' || sameParams(r.params, params)),
    );
    const approved = open.find((r) => r.state === 'approved');
    if (approved) return { allowed: true, request: approved };
    const pending = open.find((r) => r.state === 'pending');
    if (pending) return { allowed: false, request: pending, created: false };
    const request: HelpdeskRequest = {
      id: newId(), tenantId: account.tenantId, subjectId: account.id, agent: actor, agentName: agent.operator.displayName || agent.operator.username,
      ticket, action, params, state: 'pending', createdAt: now, expiresAt: new Date(now.getTime() + this.deps.settings.approvalMinutes * 60_000),
      decidedBy: null, decidedAt: null, usedAt: null,
    };
    await this.deps.store.transaction(async (tx) => {
      await this.deps.requests.insert(tx, request);
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.requested', 'success', account, ticket, { requestId: request.id, action, params }));
    });
    return { allowed: false, request, created: true };
  }

  /** Spends an approved request inside the action's transaction; `conflict` when another tab spent it first. */
  async spend(tx: StoreTx, request: HelpdeskRequest | null): Promise<void> {
    if (!request) return;
    const spent = await this.deps.requests.transition(tx, request.tenantId, request.id, 'approved', 'used', { at: this.deps.clock.now() });
    if (!spent) throw new UnlatchError('conflict', { reason: 'approval_used' });
  }

  /** Approves or refuses a pending request of another operator. */
  async decide(agent: HelpdeskAgent, tenantId: string, requestId: string, approve: boolean): Promise<HelpdeskRequest> {
    const { requests, store, clock, settings } = this.deps;
    await this.expireDue(tenantId);
    const request = await requests.get(tenantId, requestId);
    if (!request) throw new UnlatchError('not_found');
    const person = { tenantId, id: request.subjectId };
    const details = { requestId, action: request.action, requester: request.agent };
    if (request.agent === actorOf(agent.operator)) {
      await store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'helpdesk.request_decided', 'denied', person, request.ticket, { ...details, reason: 'own_request' })));
      throw new UnlatchError('helpdesk_self_approval');
    }
    const now = clock.now();
    const to = approve ? 'approved' : 'refused';
    const expiresAt = approve ? new Date(now.getTime() + settings.approvalMinutes * 60_000) : undefined;
    const decided = await store.transaction(async (tx) => {
      if (!(await requests.transition(tx, tenantId, requestId, 'pending', to, { by: actorOf(agent.operator), at: now, expiresAt }))) return false;
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.request_decided', 'success', person, request.ticket, { ...details, decision: to }));
      return true;
    });
    if (!decided) throw new UnlatchError('conflict', { reason: 'not_pending' });
    return { ...request, state: to, decidedBy: actorOf(agent.operator), decidedAt: now, expiresAt: expiresAt ?? request.expiresAt };
  }

  /** Marks the tenant's requests whose time ran out as expired, each audited once (run whenever the console lists them). */
  async expireDue(tenantId: string): Promise<number> {
    const { requests, store, clock } = this.deps;
    const now = clock.now();
    let count = 0;
    for (const request of await requests.due(tenantId, now)) {
      const expired = await store.transaction(async (tx) => {
        if (!(await requests.transition(tx, tenantId, request.id, request.state, 'expired', { at: now }))) return false;
        await tx.audit.append({
          event: 'helpdesk.request_expired', outcome: 'failure', tenantId, subjectId: request.subjectId, actor: 'system',
          details: { requestId: request.id, action: request.action, ticket: request.ticket, requester: request.agent, state: request.state },
        });
        return true;
      });
      if (expired) count += 1;
    }
    return count;
  }

  /** Pending requests of a tenant (the approvals page), newest first. */
  async pending(tenantId: string): Promise<HelpdeskRequest[]> {
    await this.expireDue(tenantId);
    return this.deps.requests.list(tenantId, ['pending'], 200);
  }

  /** The agent's open requests for a person (the person's helpdesk page). */
  async openFor(agent: HelpdeskAgent, account: DirectoryAccount): Promise<HelpdeskRequest[]> {
    await this.expireDue(account.tenantId);
    return this.deps.requests.openFor(account.tenantId, account.id, actorOf(agent.operator));
  }
}
