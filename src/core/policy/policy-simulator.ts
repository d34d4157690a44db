import { UnlatchError } from '../errors.js';
import type { Directory } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { FlowPurpose } from '../reset/reset-flow-record.js';
import { resetIdentifier } from '../reset/reset-eligibility.js';
import type { TenantPolicy } from './method-policy.js';
import { simulatePolicy, type PolicySimulation } from './policy-simulation.js';

export interface PolicySimulatorDeps {
  directory: Pick<Directory, 'findByIdentifier'>;
  methods: Pick<MethodRepository, 'listForSubject'>;
  tenants: TenantCatalog;
  policyFor: (tenantId: string) => TenantPolicy;
  /** What the server offers beyond registrations (as the reset flow is built): SMS providers, security questions. Default: neither. */
  channels?: { sms: boolean; questions: boolean };
}

/** A simulation for a person, with what was looked up (never a secret: no method data, no address). */
export interface PersonSimulation extends PolicySimulation {
  /** The identifier as the reset normalizes it before the lookup. */
  identifier: string;
  /** The account found, or null (then `outcome` is `decoy` with `unknown_person`). */
  account: { id: string; username: string; displayName: string | null; groups: string[]; enabled: boolean; locked: boolean } | null;
}

/** Most groups one simulation takes, and the longest name. */
const MAX_GROUPS = 100;
const MAX_GROUP_LENGTH = 256;

/**
 * "What would the policy do if this person started a reset now?" for operators: looks the person up for real
 * (the directory, with the reset's own normalization) and reads their registered methods, then asks
 * {@link simulatePolicy}, which makes the reset flow's own decisions. Reads only: nothing is written, no
 * flow starts, no limit is spent. Unlike a reset, it says when nobody matched (an operator tool, behind
 * the console's roles or the server's shell). The caller audits the read where it should be audited.
 */
export class PolicySimulator {
  constructor(private readonly deps: PolicySimulatorDeps) {}

  /** Simulates a reset (or an unlock) for one identifier. Unknown tenant: `not_found`; bad identifier: `invalid_request`. */
  async simulate(input: { tenantId: string; identifier: string; purpose?: FlowPurpose }): Promise<PersonSimulation> {
    const tenantId = this.tenant(input.tenantId);
    const identifier = resetIdentifier(input.identifier);
    const account = await this.deps.directory.findByIdentifier(tenantId, identifier);
    const registered = account ? await this.deps.methods.listForSubject(tenantId, account.id) : [];
    const result = simulatePolicy({
      tenantId,
      policy: this.deps.policyFor(tenantId),
      subject: { kind: 'person', account, registered },
      purpose: input.purpose,
      channels: this.deps.channels,
    });
    const shown = account
      ? { id: account.id, username: account.username, displayName: account.displayName ?? null, groups: [...account.groups], enabled: account.enabled, locked: account.locked }
      : null;
    return { ...result, identifier, account: shown };
  }

  /** Simulates a reset for a member of exactly these groups (enabled, with a mailbox and every allowed method). */
  simulateGroups(input: { tenantId: string; groups: readonly string[]; purpose?: FlowPurpose }): PolicySimulation {
    const tenantId = this.tenant(input.tenantId);
    const groups = cleanGroups(input.groups);
    return simulatePolicy({ tenantId, policy: this.deps.policyFor(tenantId), subject: { kind: 'groups', groups }, purpose: input.purpose, channels: this.deps.channels });
  }

  private tenant(tenantId: string): string {
    if (!this.deps.tenants.get(tenantId)) throw new UnlatchError('not_found', { tenant: tenantId });
    return tenantId;
  }
}

/**
 * Group names as a simulation takes them: trimmed, each once (case-insensitively, as the policy compares
 * them), none empty; at most 100 of at most 256 characters, else `invalid_request` for `groups`.
 */
export function cleanGroups(groups: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of groups) {
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (name.length === 0 || name.length > MAX_GROUP_LENGTH) throw new UnlatchError('invalid_request', { field: 'groups' });
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  if (out.length > MAX_GROUPS) throw new UnlatchError('invalid_request', { field: 'groups' });
  return out;
}
