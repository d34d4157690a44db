import { selfEntry } from '../audit/self-entry.js';
import { maskEmail, maskPhone } from '../identity/mask.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { Store } from '../ports/store.js';
import { contactValueOf, type ContactKind, type ContactSource } from './contact-import-plan.js';
import { isImportedContact } from './contact-import-source.js';

/** An address or number the organisation imported that the person has not confirmed yet. */
export interface PendingImportedContact {
  methodId: string;
  kind: ContactKind;
  /** The whole value: shown only to the signed-in person it belongs to, to confirm it in one step. */
  value: string;
  masked: string;
  source: ContactSource;
}

/**
 * A signed-in person's imported contact data still waiting for their confirmation (`trustImportedContacts` off),
 * as their security info page offers it. Confirming goes through the ordinary "add an address / a phone" steps
 * with the value (a code sent to it, typed back), so an imported value never counts unproven; one that is not
 * theirs (HR mistyped it) they dismiss here.
 */
export class PendingImports {
  constructor(private readonly deps: { store: Store; methods: MethodRepository }) {}

  async list(account: Pick<DirectoryAccount, 'tenantId' | 'id'>): Promise<PendingImportedContact[]> {
    const out: PendingImportedContact[] = [];
    for (const method of await this.deps.methods.listForSubject(account.tenantId, account.id)) {
      const held = contactValueOf(method);
      if (method.confirmed || held === null || !isImportedContact(method)) continue;
      const masked = held.kind === 'email_code' ? maskEmail(held.value) : maskPhone(held.value);
      out.push({ methodId: method.id, kind: held.kind, value: held.value, masked, source: method.data.source as ContactSource });
    }
    return out;
  }

  /**
   * Removes one of the person's pending imported values (audited as `method.removed`). False when there is no
   * such pending import of theirs (confirmed methods are removed the ordinary way, under the policy's rules).
   * No notice: a value nobody confirmed never counted for anything.
   */
  async dismiss(input: { account: DirectoryAccount; methodId: string; client: ClientInfo }): Promise<boolean> {
    const { account, client } = input;
    const method = await this.deps.methods.get(account.tenantId, input.methodId);
    if (!method || method.subjectId !== account.id || method.confirmed || !isImportedContact(method)) return false;
    return this.deps.store.transaction(async (tx) => {
      if (!(await this.deps.methods.within(tx).remove(account.tenantId, method.id))) return false;
      await tx.audit.append(selfEntry('method.removed', 'success', account.tenantId, account.id, null, client, { kind: method.kind, methodId: method.id, source: method.data.source, pending: true }));
      return true;
    });
  }
}
