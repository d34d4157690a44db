import type { KeyRing } from '../../crypto/key-ring.js';
import { languageMark } from '../../i18n/language-match.js';
import { selfEntry } from '../../audit/self-entry.js';
import { UnlatchError } from '../../errors.js';
import { newId, newNumericCode } from '../../crypto/secrets.js';
import { maskEmail } from '../../identity/mask.js';
import { normalizeIdentifier } from '../../identity/normalize.js';
import { firstExhausted, rateLimitedError } from '../../limits.js';
import type { AuditEntryInput } from '../../ports/audit.js';
import type { ClientInfo } from '../../ports/client-info.js';
import type { Clock } from '../../ports/clock.js';
import type { DirectoryAccount } from '../../ports/directory.js';
import type { Limiter } from '../../ports/limiter.js';
import type { TenantPolicy } from '../../policy/method-policy.js';
import type { MethodRepository, RegisteredMethod } from '../../ports/methods.js';
import type { Store } from '../../ports/store.js';
import type { TenantCatalog } from '../../ports/tenants.js';
import { recordMethodChange } from '../method-change-notice.js';
import { contactEmails } from './contact-emails.js';
import { isImportedContact } from '../../enrolment/contact-import-source.js';
import { confirmPendingCode, CONTACT_CODE_DIGITS, CONTACT_CODE_TTL_SECONDS, newPendingCode, type ContactConfirmResult } from '../pending-code.js';

export interface EmailRegistrationDeps {
  store: Store;
  methods: MethodRepository;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  /** `contact_register` (per account) and `send_destination` (per address): this page is no mail cannon. */
  limiter: Limiter;
  /** The method policy, for which mailboxes hear of changes (`directoryEmail`). */
  policyFor?: (tenantId: string) => TenantPolicy;
}

/** RFC 5321's limit for a whole address. */
const MAX_EMAIL_LENGTH = 254;

/**
 * Extra email addresses a person adds on their security info page — typically a private one, because the
 * work mailbox is often what a locked-out person cannot read. Each is a method of kind `email_code` with the
 * address in `data.email`, and counts only once the person types the code mailed to it. Reset codes and links
 * then go to the directory's address and to every confirmed one (nothing is chosen before a proof, so nothing
 * about the account is shown).
 */
export class EmailRegistration {
  constructor(private readonly deps: EmailRegistrationDeps) {}

  /**
   * Mails a 6-digit code to `email` and keeps the address as a pending method. The directory's own address,
   * or one already confirmed, is `method_exists` (nothing is sent); a malformed one is `invalid_request`.
   */
  async begin(input: { account: DirectoryAccount; email: string; client: ClientInfo }): Promise<{ methodId: string; masked: string; expiresAt: Date }> {
    const { account, client } = input;
    const email = normalizeEmail(input.email);
    if (email === null) throw new UnlatchError('invalid_request', { field: 'email' });
    const masked = maskEmail(email);
    const known = (await contactEmails(this.deps.methods, account)).map((m) => normalizeIdentifier(String(m.data.email)));
    if (account.email) known.push(normalizeIdentifier(account.email));
    if (known.includes(normalizeIdentifier(email))) {
      await this.audit(this.entry('method.registration_started', 'denied', account, client, { kind: 'email_code', reason: 'method_exists', email: masked }));
      throw new UnlatchError('method_exists', { field: 'email' });
    }
    // Per account first (a signed-in person cannot mail a thousand addresses), then per address.
    const denied = await firstExhausted(this.deps.limiter, [
      ['contact_register', `${account.tenantId}:${account.id}`],
      ['send_destination', `${account.tenantId}:${normalizeIdentifier(email)}`],
    ]);
    if (denied) {
      await this.audit(this.entry('method.registration_started', 'denied', account, client, { kind: 'email_code', reason: 'rate_limited', email: masked }));
      throw rateLimitedError(denied.retryAfterSeconds);
    }
    const now = this.deps.clock.now();
    const code = newNumericCode(CONTACT_CODE_DIGITS);
    let expiresAt = now;
    const methodId = await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      // An abandoned earlier attempt is replaced, so pending addresses do not pile up.
      // Imported addresses waiting for confirmation stay (see isImportedContact), unless it is this one.
      const imported = (m: RegisteredMethod) => isImportedContact(m) && normalizeIdentifier(String(m.data.email)) !== normalizeIdentifier(email);
      for (const pending of (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'email_code' && !m.confirmed && !imported(m))) {
        await methods.remove(account.tenantId, pending.id);
      }
      const id = newId();
      const pending = newPendingCode(this.deps.keys, 'email_code', id, code, now);
      expiresAt = pending.expiresAt;
      await methods.add({ id, tenantId: account.tenantId, subjectId: account.id, kind: 'email_code', name: `Email ${masked}`, data: { email }, secret: pending.secret, confirmed: false }, now);
      await tx.audit.append(this.entry('method.registration_started', 'success', account, client, { kind: 'email_code', methodId: id, email: masked }));
      await tx.outbox.enqueue({
        channel: 'email',
        template: 'address_code',
        tenantId: account.tenantId,
        to: email,
        data: { code, displayName: account.displayName ?? account.username, tenantName: this.deps.tenants.get(account.tenantId)?.name ?? account.tenantId, expiresInMinutes: CONTACT_CODE_TTL_SECONDS / 60, ...languageMark(input.client.lang, account.preferredLanguage) },
        idempotencyKey: `address_code:${id}`,
        subjectId: account.id,
      });
      return id;
    });
    return { methodId, masked, expiresAt };
  }

  /** Confirms a pending address with the mailed code (5 tries; an expired code is wrong). */
  async finish(input: { account: DirectoryAccount; methodId: string; code: string; client: ClientInfo }): Promise<ContactConfirmResult> {
    return confirmPendingCode(this.deps, {
      ...input,
      kind: 'email_code',
      field: 'email',
      sameAs: (confirmed, pending) => normalizeIdentifier(String(confirmed.data.email)) === normalizeIdentifier(String(pending.data.email)),
      recordAdded: (tx, method) => recordMethodChange(this.deps, tx, input.account, input.client, 'added', method.name, { kind: 'email_code', methodId: method.id }),
    });
  }

  private async audit(entry: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(entry));
  }

  private entry(event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], account: DirectoryAccount, client: ClientInfo, details: Record<string, unknown>): AuditEntryInput {
    return selfEntry(event, outcome, account.tenantId, account.id, null, client, details);
  }
}

/**
 * An address as typed → trimmed, the domain lower-cased, or null when it is not `local@domain.tld` of sane
 * length without spaces or control characters. Deliverability is what the mailed code proves.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.normalize('NFKC').trim();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return null;
  const match = /^([^\s@\p{Cc}]{1,64})@([^\s@\p{Cc}]+\.[^\s@\p{Cc}.]{2,})$/u.exec(email);
  if (!match) return null;
  return `${match[1]}@${match[2]!.toLowerCase()}`;
}
