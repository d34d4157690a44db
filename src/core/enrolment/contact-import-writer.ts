import { newId } from '../crypto/secrets.js';
import { maskEmail, maskPhone } from '../identity/mask.js';
import { distinctAddresses } from '../methods/email_code/contact-emails.js';
import { directoryEmailOf } from '../methods/directory-contacts.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import { isEmptyPlan, planContacts, type ContactPlan, type ContactSource, type ImportedContacts, type PlannedContact } from './contact-import-plan.js';

/** What writing imported contact data needs. */
export interface ContactWriterDeps {
  methods: MethodRepository;
  tenants: TenantCatalog;
  clock: Clock;
  /** The method policy: `trustImportedContacts` decides whether imports count at once; `directoryEmail` who hears of it. */
  policyFor: (tenantId: string) => TenantPolicy;
}

/** What importing changes for one person, and whether the added methods count at once. */
export interface ContactChange extends ContactPlan {
  trusted: boolean;
}

/** Who imports, from where: goes into the audit entry and the notice. */
export interface ContactOrigin {
  source: ContactSource;
  /** The audit entry's actor: `cli` for the command line. */
  actor: string;
  /** What the operator imported from (a file's name), for the audit entry. */
  reference?: string;
}

/**
 * Turns a person's imported contact data into methods (`email_code` with `data.email`, `sms_code` with
 * `data.phone`, both with `data.source`), confirmed when the person's policy says `trustImportedContacts`,
 * else pending until the person confirms them with a code at security info. Used by the CSV import and the
 * directory sync alike, so both audit and announce the same way.
 */
export class ContactWriter {
  constructor(private readonly deps: ContactWriterDeps) {}

  /** Whether imported data counts as confirmed for this person (their policy's `trustImportedContacts`). */
  trusted(account: DirectoryAccount): boolean {
    return decidePolicy(this.deps.policyFor(account.tenantId), account).trustImportedContacts;
  }

  /** What importing would change, read outside any transaction (a dry run, a check before writing). */
  async plan(account: DirectoryAccount, contacts: ImportedContacts): Promise<ContactChange> {
    const trusted = this.trusted(account);
    return { ...planContacts(account, contacts, await this.deps.methods.listForSubject(account.tenantId, account.id), trusted), trusted };
  }

  /**
   * Writes the person's new contact methods inside `tx`, with one audit entry for the person (`method.imported`)
   * and a notice to their mailboxes and to each new address: contact data they did not add themselves is
   * something they must hear of. Returns what changed (an empty plan when nothing did: no entry, no notice).
   */
  async apply(tx: StoreTx, account: DirectoryAccount, contacts: ImportedContacts, origin: ContactOrigin): Promise<ContactChange> {
    const methods = this.deps.methods.within(tx);
    const decision = decidePolicy(this.deps.policyFor(account.tenantId), account);
    const trusted = decision.trustImportedContacts;
    const existing = await methods.listForSubject(account.tenantId, account.id);
    const plan = { ...planContacts(account, contacts, existing, trusted), trusted };
    if (isEmptyPlan(plan)) return plan;
    const now = this.deps.clock.now();
    for (const stale of plan.remove) await methods.remove(account.tenantId, stale.id);
    const added: Array<PlannedContact & { methodId: string; masked: string }> = [];
    for (const contact of plan.add) {
      const id = newId();
      const masked = contact.kind === 'email_code' ? maskEmail(contact.value) : maskPhone(contact.value);
      const data = contact.kind === 'email_code' ? { email: contact.value, source: origin.source } : { phone: contact.value, source: origin.source };
      await methods.add({ id, tenantId: account.tenantId, subjectId: account.id, kind: contact.kind, name: `${contact.kind === 'email_code' ? 'Email' : 'Phone'} ${masked}`, data, confirmed: trusted }, now);
      added.push({ ...contact, methodId: id, masked });
    }
    await tx.audit.append({
      event: 'method.imported',
      outcome: 'success',
      tenantId: account.tenantId,
      subjectId: account.id,
      actor: origin.actor,
      details: {
        source: origin.source,
        confirmed: trusted,
        added: added.map((a) => ({ kind: a.kind, methodId: a.methodId, value: a.masked })),
        ...(plan.remove.length > 0 ? { replaced: plan.remove.map((m) => m.id) } : {}),
        ...(origin.reference ? { file: origin.reference } : {}),
      },
    });
    // The person's mailboxes (as `mailboxesOf` finds them: the directory's when the policy trusts it, each confirmed
    // extra one) and every new address, confirmed or not: an address mistyped by HR thus tells its owner, who can say so.
    const confirmed = existing.filter((m) => m.kind === 'email_code' && m.confirmed && typeof m.data.email === 'string').map((m) => String(m.data.email));
    const newAddresses = added.filter((a) => a.kind === 'email_code').map((a) => a.value);
    const recipients = distinctAddresses([directoryEmailOf(account, decision) ?? undefined, ...confirmed, ...newAddresses]);
    const tenantName = this.deps.tenants.get(account.tenantId)?.name ?? account.tenantId;
    for (const [index, to] of recipients.entries()) {
      await tx.outbox.enqueue({
        channel: 'email',
        template: 'contacts_imported',
        tenantId: account.tenantId,
        to,
        data: {
          displayName: account.displayName ?? account.username,
          tenantName,
          when: now.toISOString(),
          added: added.map((a) => a.masked).join(', '),
          confirmed: trusted ? 1 : 0,
          source: origin.source,
        },
        idempotencyKey: `contacts_imported:${added[0]!.methodId}:${index}`,
        subjectId: account.id,
      });
    }
    return plan;
  }
}
