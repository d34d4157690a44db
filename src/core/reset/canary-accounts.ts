import { normalizeIdentifier } from '../identity/normalize.js';
import type { DirectoryAccount } from '../ports/directory.js';

/**
 * The accounts a synthetic check resets on purpose (config `tenants[].canaryAccounts`). Their flows are marked
 * (`canary: true` in every audit entry, a flag on the flow) and counted in their own metric series, so a probe
 * every few minutes neither inflates nor, when it fails, drags down the user-facing SLIs.
 *
 * A set lookup per start, nothing more: later steps read the flag the start stored on the flow.
 */
export class CanaryAccounts {
  private readonly byTenant: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(entries: readonly { tenantId: string; accounts: readonly string[] }[]) {
    this.byTenant = new Map(entries.filter((e) => e.accounts.length > 0).map((e) => [e.tenantId, new Set(e.accounts.map(normalizeIdentifier))]));
  }

  /** Whether an account is one of its tenant's canaries, by its username (normalized like every identifier). */
  has(account: Pick<DirectoryAccount, 'tenantId' | 'username'>): boolean {
    const set = this.byTenant.get(account.tenantId);
    return set !== undefined && set.has(normalizeIdentifier(account.username));
  }
}

/** No canaries: every flow is a person's. */
export const NO_CANARIES = new CanaryAccounts([]);

/** An audit entry's details for a flow: `canary: true` added when the flow is a canary's. */
export function flowDetails(flow: { canary?: boolean } | null | undefined, details: Record<string, unknown>): Record<string, unknown> {
  return flow?.canary === true ? { ...details, canary: true } : details;
}

/**
 * The mark a canary flow's messages carry in their data (`canary: 1`): the delivery metrics count them apart
 * and the worker's delivery audit entries say `canary: true`. Nothing for a person's flow.
 */
export function canaryMark(canary: boolean | undefined): { canary?: number } {
  return canary === true ? { canary: 1 } : {};
}
