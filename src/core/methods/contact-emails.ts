import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../ports/methods.js';

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

/** Every address of the person: the directory's, then each confirmed extra one. */
export async function mailboxesOf(methods: Pick<MethodRepository, 'listForSubject'>, account: DirectoryAccount): Promise<string[]> {
  return distinctAddresses([account.email, ...(await contactEmails(methods, account)).map((m) => String(m.data.email))]);
}
