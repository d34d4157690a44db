import type { DirectoryAccount } from '../../ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../../ports/methods.js';
import { decidePolicy, type TenantPolicy } from '../../policy/method-policy.js';

/** A person's confirmed extra addresses (`email_code` methods with `data.email`). */
export async function contactEmails(methods: Pick<MethodRepository, 'listForSubject'>, account: Pick<DirectoryAccount, 'tenantId' | 'id'>): Promise<RegisteredMethod[]> {
  return (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'email_code' && m.confirmed && typeof m.data.email === 'string');
}

/** Addresses compared as mail systems do for our purpose: case-insensitively, each once, the first spelling kept. */
export function distinctAddresses(addresses: ReadonlyArray<string | undefined>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const address of addresses) {
    if (!address) continue;
    const key = address.normalize('NFKC').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(address);
  }
  return out;
}

/**
 * Every address of the person that notices go to: the directory's (when the policy trusts it, `directoryEmail`)
 * and each confirmed extra one — the same mailboxes reset codes go to.
 */
export async function mailboxesOf(
  methods: Pick<MethodRepository, 'listForSubject'>,
  account: DirectoryAccount,
  policyFor?: (tenantId: string) => TenantPolicy,
): Promise<string[]> {
  const trusted = policyFor ? decidePolicy(policyFor(account.tenantId), account).directoryEmail : true;
  return distinctAddresses([trusted ? account.email : undefined, ...(await contactEmails(methods, account)).map((m) => String(m.data.email))]);
}
