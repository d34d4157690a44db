import type { KeyRing } from '../crypto/key-ring.js';
import { languageMark } from '../i18n/language-match.js';
import { selfEntry } from '../audit/self-entry.js';
import { UnlatchError } from '../errors.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, MethodRepository, RegisteredMethod } from '../ports/methods.js';
import type { Store, StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import { canRemoveMethod, proofsSatisfy, usableMethods, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import { hashBackupCode, newBackupCodes, normalizeBackupCode } from './backup_code/backup-codes.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp/totp.js';
import type { Passkeys } from './webauthn/passkeys.js';
import type { WebAuthnOptionsJson, WebAuthnResponseJson } from '../ports/webauthn.js';
import { newId, newNumericCode } from '../crypto/secrets.js';
import { maskPhone } from '../identity/mask.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import type { Limiter } from '../ports/limiter.js';
import type { SmsSender } from '../sms/sms-sender.js';
import { isE164 } from '../sms/e164.js';
import { recordMethodChange } from './method-change-notice.js';
import { isImportedContact } from '../enrolment/contact-import-source.js';
import { directoryContactKinds } from './directory-contacts.js';
import { confirmPendingCode, CONTACT_CODE_DIGITS, CONTACT_CODE_TTL_SECONDS, newPendingCode, type ContactConfirmResult } from './pending-code.js';

export interface MethodRegistrationDeps {
  store: Store;
  methods: MethodRepository;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  /** Renders the provisioning URI as an SVG QR code, locally. */
  qrSvg: (text: string) => Promise<string>;
  /** The issuer shown in authenticator apps (default: the tenant's name). */
  issuer?: string;
  /** Passkey ceremonies (WebAuthn); without them, passkeys cannot be added. */
  passkeys?: Passkeys;
  /** SMS sending (limits checked at request time); without it, phone numbers cannot be added. */
  sms?: SmsSender | null;
  /** The `contact_register` bucket (confirmation texts per account). */
  limiter?: Limiter;
  /** The method policy, for which mailboxes hear of changes (`directoryEmail`). */
  policyFor?: (tenantId: string) => TenantPolicy;
}

/** What a person sees of their methods: never a secret, backup codes as a count. */
export interface MethodSummary {
  id: string;
  kind: MethodKind;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Added by the organisation (`unlatch methods import` from HR data, `methods sync` from the directory), not by the person. */
  source?: 'import' | 'directory';
  /** Backup codes: how many are left unused. */
  remaining?: number;
}

export interface MethodStatus {
  /** The policy wants more methods registered before the person can reset. */
  registrationNeeded: boolean;
  /** The policy's re-confirmation interval has passed. */
  reconfirmDue: boolean;
  lastReviewed: Date | null;
}

export interface TotpEnrollment {
  methodId: string;
  /** Base32 seed, shown once for typing into an app. */
  secret: string;
  uri: string;
  qrSvg: string;
}

const MAX_NAME = 64;

/** Kinds a person may give their own label: one device or address each (backup codes and questions are sets). */
export const RENAMABLE: ReadonlySet<MethodKind> = new Set<MethodKind>(['totp', 'webauthn', 'sms_code', 'email_code']);

/**
 * Adding, confirming and removing a person's methods. Every change is audited and the person is told on
 * their other channels, in the same transaction as the change. Callers have already signed the person in.
 */
export class MethodRegistration {
  constructor(private readonly deps: MethodRegistrationDeps) {}

  async list(account: DirectoryAccount): Promise<MethodSummary[]> {
    const all = (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.confirmed);
    const codes = all.filter((m) => m.kind === 'backup_code');
    const others: MethodSummary[] = all.filter((m) => m.kind !== 'backup_code').map(summaryOf);
    if (codes.length === 0) return others;
    const first = codes[0]!;
    return [...others, { id: 'backup_codes', kind: 'backup_code', name: 'Backup codes', createdAt: first.createdAt, lastUsedAt: latest(codes), remaining: codes.filter((c) => !c.usedAt).length }];
  }

  /**
   * What the policy asks of the person now: register more methods (`registrationRequired` and not enough to
   * reset), or confirm their methods are still current (`reconfirmDays` passed since the last review).
   */
  async status(account: DirectoryAccount, decision: PolicyDecision): Promise<MethodStatus> {
    const registered = (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.confirmed && !(m.kind === 'backup_code' && m.usedAt));
    const kinds = [...new Set(registered.map((m) => m.kind))];
    kinds.push(...directoryContactKinds(account, decision));
    const enough = proofsSatisfy(decision, usableMethods(decision, kinds));
    const lastReviewed = await this.deps.methods.lastReviewed(account.tenantId, account.id);
    const dueAfter = decision.reconfirmDays === null ? null : (lastReviewed?.getTime() ?? 0) + decision.reconfirmDays * 86_400_000;
    return {
      registrationNeeded: decision.ssprEnabled && decision.registrationRequired && !enough,
      reconfirmDue: decision.ssprEnabled && dueAfter !== null && dueAfter <= this.deps.clock.now().getTime(),
      lastReviewed,
    };
  }

  /** The person confirms their methods are current. */
  async review(input: { account: DirectoryAccount; client: ClientInfo }): Promise<void> {
    const { account, client } = input;
    await this.deps.store.transaction(async (tx) => {
      await this.deps.methods.within(tx).markReviewed(account.tenantId, account.id, this.deps.clock.now());
      await tx.audit.append(this.entry('method.reviewed', 'success', account, client, {}));
    });
  }

  /** Starts an authenticator app: a pending method with a fresh seed, counting only once a first code confirms it. */
  async beginTotp(input: { account: DirectoryAccount; name: string; client: ClientInfo }): Promise<TotpEnrollment> {
    const { account, client } = input;
    const name = cleanName(input.name, 'Authenticator app');
    const secret = newTotpSecret();
    const issuer = this.deps.issuer ?? this.deps.tenants.get(account.tenantId)?.name ?? 'Unlatch';
    const uri = totpUri({ secret, issuer, accountName: account.email ?? account.username });
    const methodId = await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      // An abandoned earlier attempt is replaced, so pending seeds do not pile up.
      for (const pending of (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'totp' && !m.confirmed)) {
        await methods.remove(account.tenantId, pending.id);
      }
      const id = await methods.add({ tenantId: account.tenantId, subjectId: account.id, kind: 'totp', name, secret, confirmed: false }, this.deps.clock.now());
      await tx.audit.append(this.entry('method.registration_started', 'success', account, client, { kind: 'totp', methodId: id }));
      return id;
    });
    return { methodId, secret, uri, qrSvg: await this.deps.qrSvg(uri) };
  }

  /** Confirms a pending authenticator app with its first code; the code's step is spent. */
  async finishTotp(input: { account: DirectoryAccount; methodId: string; code: string; client: ClientInfo }): Promise<{ ok: true } | { ok: false; code: 'code_invalid' }> {
    const { account, client } = input;
    const method = await this.deps.methods.get(account.tenantId, input.methodId);
    if (!method || method.subjectId !== account.id || method.kind !== 'totp' || method.confirmed) throw new UnlatchError('not_found');
    const secret = await this.deps.methods.readSecret(account.tenantId, method.id);
    const now = this.deps.clock.now();
    const verdict = verifyTotp({ secretBase32: secret ?? '', code: input.code, nowMs: now.getTime(), lastUsedStep: method.lastUsedStep });
    if (!verdict.ok) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.confirm_failed', 'failure', account, client, { kind: 'totp', reason: verdict.reason })));
      return { ok: false, code: 'code_invalid' };
    }
    await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      if (!(await methods.recordTotpStep(account.tenantId, method.id, verdict.step, now))) throw new UnlatchError('conflict');
      await methods.confirm(account.tenantId, method.id, now);
      await this.changed(tx, account, client, 'added', method.name, { kind: 'totp', methodId: method.id });
    });
    return { ok: true };
  }

  /** Whether phone numbers (`sms_code`) can be added: only with SMS providers configured. */
  get smsAvailable(): boolean {
    return Boolean(this.deps.sms);
  }

  /**
   * Starts adding a phone number: a pending `sms_code` method holding the number, and a 6-digit code texted to
   * it through the outbox. The number counts only once the person types that code (`finishPhone`).
   * The SMS limits are checked now, before anything is stored; a refusal is `rate_limited` (the person is
   * signed in, so there is nothing to hide). An abandoned earlier attempt is replaced.
   * `phone` must be E.164 once spaces, dashes, dots and brackets are removed; anything else is `invalid_request`.
   */
  async beginPhone(input: { account: DirectoryAccount; phone: string; name: string; client: ClientInfo }): Promise<{ methodId: string; masked: string; expiresAt: Date }> {
    const { account, client } = input;
    const sms = this.deps.sms;
    if (!sms) throw new UnlatchError('invalid_request', { field: 'kind' });
    const phone = normalizePhone(input.phone);
    if (phone === null) throw new UnlatchError('invalid_request', { field: 'phone' });
    // The same number twice is one phone, not two methods; refused before any text is sent or counted.
    const registered = await this.deps.methods.listForSubject(account.tenantId, account.id);
    if (registered.some((m) => m.kind === 'sms_code' && m.confirmed && m.data.phone === phone)) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.registration_started', 'denied', account, client, { kind: 'sms_code', reason: 'method_exists', phone: maskPhone(phone) })));
      throw new UnlatchError('method_exists', { field: 'phone' });
    }
    // Per account, before the SMS limits: a signed-in person cannot text a thousand numbers.
    const denied = this.deps.limiter ? await firstExhausted(this.deps.limiter, [['contact_register', `${account.tenantId}:${account.id}`]]) : null;
    if (denied) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.registration_started', 'denied', account, client, { kind: 'sms_code', reason: 'rate_limited', phone: maskPhone(phone) })));
      throw rateLimitedError(denied.retryAfterSeconds);
    }
    const admission = await sms.admit({ tenantId: account.tenantId, to: phone });
    if (!('admitted' in admission)) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.registration_started', 'denied', account, client, { kind: 'sms_code', reason: admission.reason, ...('limit' in admission ? { limit: admission.limit } : {}) })));
      if (admission.reason === 'invalid_number') throw new UnlatchError('invalid_request', { field: 'phone' });
      throw rateLimitedError(admission.retryAfterSeconds);
    }
    const masked = maskPhone(phone);
    const name = cleanName(input.name, `Phone ${masked}`);
    const now = this.deps.clock.now();
    const code = newNumericCode(CONTACT_CODE_DIGITS);
    let expiresAt = now;
    const methodId = await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      // Imported numbers waiting for confirmation stay (see isImportedContact), unless it is this one.
      for (const pending of (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'sms_code' && !m.confirmed && (!isImportedContact(m) || m.data.phone === phone))) {
        await methods.remove(account.tenantId, pending.id);
      }
      // The code's MAC binds it to this method's id, chosen here.
      const id = newId();
      const pending = newPendingCode(this.deps.keys, 'sms_code', id, code, now);
      expiresAt = pending.expiresAt;
      await methods.add({ id, tenantId: account.tenantId, subjectId: account.id, kind: 'sms_code', name, data: { phone }, secret: pending.secret, confirmed: false }, now);
      await tx.audit.append(this.entry('method.registration_started', 'success', account, client, { kind: 'sms_code', methodId: id, phone: masked }));
      await tx.outbox.enqueue({
        channel: 'sms',
        template: 'sms_code',
        tenantId: account.tenantId,
        to: phone,
        data: { code, tenantName: this.deps.tenants.get(account.tenantId)?.name ?? account.tenantId, expiresInMinutes: CONTACT_CODE_TTL_SECONDS / 60, purpose: 'registration', ...languageMark(client.lang, account.preferredLanguage) },
        idempotencyKey: `sms_code:register:${id}`,
        subjectId: account.id,
      });
      return id;
    });
    return { methodId, masked, expiresAt };
  }

  /**
   * Confirms a pending phone number with the texted code. Each try is counted atomically first; the fifth
   * wrong one removes the pending number (a new one must be requested). An expired code is wrong.
   */
  async finishPhone(input: { account: DirectoryAccount; methodId: string; code: string; client: ClientInfo }): Promise<ContactConfirmResult> {
    return confirmPendingCode(this.deps, {
      ...input,
      kind: 'sms_code',
      field: 'phone',
      sameAs: (confirmed, pending) => confirmed.data.phone === pending.data.phone,
      recordAdded: (tx, method) => this.changed(tx, input.account, input.client, 'added', method.name, { kind: 'sms_code', methodId: method.id }),
    });
  }

  /** The kind of one of the person's pending methods, for an API that finishes any kind (`not_found` otherwise). */
  async pendingKind(account: DirectoryAccount, methodId: string): Promise<MethodKind> {
    const method = await this.deps.methods.get(account.tenantId, methodId);
    if (!method || method.subjectId !== account.id || method.confirmed) throw new UnlatchError('not_found');
    return method.kind;
  }

  /**
   * Starts adding a passkey: WebAuthn creation options whose challenge is bound to the session
   * (`sessionHash`, the SHA-256 of its token), single-use and short-lived. Nothing is stored as a method yet.
   */
  async beginPasskey(input: { account: DirectoryAccount; sessionHash: string; name: string; client: ClientInfo }): Promise<WebAuthnOptionsJson> {
    const { account, client } = input;
    const passkeys = this.passkeys();
    const name = input.name.trim() === '' ? null : cleanName(input.name, 'Passkey');
    const options = await passkeys.registrationOptions(account, input.sessionHash, name);
    await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.registration_started', 'success', account, client, { kind: 'webauthn' })));
    return options;
  }

  /**
   * Finishes adding a passkey: the attestation is verified (challenge of this session, configured origin
   * and RP ID, user verification) and the public key stored, confirmed at once — the ceremony itself is
   * the proof that the person holds the authenticator. Audited and notified like every other change.
   */
  async finishPasskey(input: { account: DirectoryAccount; sessionHash: string; name: string; response: WebAuthnResponseJson; client: ClientInfo }): Promise<{ ok: true; methodId: string } | { ok: false; code: 'code_invalid' }> {
    const { account, client } = input;
    const verdict = await this.passkeys().verifyRegistration(account, input.sessionHash, input.response);
    if (!verdict.ok) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.confirm_failed', 'failure', account, client, { kind: 'webauthn', reason: verdict.reason })));
      return { ok: false, code: 'code_invalid' };
    }
    const name = cleanName(input.name.trim() === '' ? (verdict.name ?? '') : input.name, 'Passkey');
    const methodId = await this.deps.store.transaction(async (tx) => {
      const id = await this.deps.methods
        .within(tx)
        .add({ tenantId: account.tenantId, subjectId: account.id, kind: 'webauthn', name, data: { ...verdict.credential }, confirmed: true }, this.deps.clock.now());
      await this.changed(tx, account, client, 'added', name, { kind: 'webauthn', methodId: id });
      return id;
    });
    return { ok: true, methodId };
  }

  /** A new set of backup codes, shown this once; the old set, used or not, stops working. */
  async regenerateBackupCodes(input: { account: DirectoryAccount; client: ClientInfo }): Promise<{ codes: string[] }> {
    const { account, client } = input;
    const codes = newBackupCodes();
    const stored = codes.map((code) => hashBackupCode(this.deps.keys, normalizeBackupCode(code)!));
    await this.deps.store.transaction(async (tx) => {
      await this.deps.methods.within(tx).replaceBackupCodes(account.tenantId, account.id, stored, this.deps.clock.now());
      await this.changed(tx, account, client, 'backup_codes', 'Backup codes', { kind: 'backup_code', count: codes.length });
    });
    return { codes };
  }

  /**
   * Removes a method, unless the policy needs it: a person must keep enough methods to reset. Removing
   * "backup_codes" removes the whole set.
   */
  async remove(input: { account: DirectoryAccount; methodId: string; decision: PolicyDecision; client: ClientInfo }): Promise<{ ok: true } | { ok: false; code: 'method_required' }> {
    const { account, client } = input;
    const all = (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.confirmed);
    const targets = input.methodId === 'backup_codes' ? all.filter((m) => m.kind === 'backup_code') : all.filter((m) => m.id === input.methodId);
    if (targets.length === 0) throw new UnlatchError('not_found');
    const kind = targets[0]!.kind;
    // Spent backup codes prove nothing any more; another method of the same kind keeps that kind.
    const remainingKinds = [...new Set(all.filter((m) => !targets.includes(m) && !(m.kind === 'backup_code' && m.usedAt)).map((m) => m.kind))];
    // The directory's own contact data counts too, as far as the policy trusts it (its address gets reset codes).
    remainingKinds.push(...directoryContactKinds(account, input.decision));
    const removable = remainingKinds.includes(kind) || canRemoveMethod(input.decision, [...remainingKinds, kind], kind);
    if (!removable) {
      await this.deps.store.transaction((tx) => tx.audit.append(this.entry('method.remove_refused', 'denied', account, client, { kind })));
      return { ok: false, code: 'method_required' };
    }
    await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      for (const target of targets) await methods.remove(account.tenantId, target.id);
      await this.changed(tx, account, client, 'removed', targets.length > 1 ? 'Backup codes' : targets[0]!.name, { kind, count: targets.length });
    });
    return { ok: true };
  }

  /**
   * Gives one of the person's confirmed methods a new label, cleaned as at creation. Backup codes (one set,
   * named by what they are) and the security-questions set cannot be renamed (`invalid_request`); an empty
   * name is `invalid_request` too (a rename that names nothing is a slip, not a choice). Audited without the
   * names; no notice is mailed — a label changes nothing about how the person can reset.
   */
  async rename(input: { account: DirectoryAccount; methodId: string; name: string; client: ClientInfo }): Promise<MethodSummary> {
    const { account, client } = input;
    if (input.methodId === 'backup_codes') throw new UnlatchError('invalid_request', { field: 'methodId' });
    const method = await this.deps.methods.get(account.tenantId, input.methodId);
    if (!method || method.subjectId !== account.id || !method.confirmed) throw new UnlatchError('not_found');
    if (!RENAMABLE.has(method.kind)) throw new UnlatchError('invalid_request', { field: 'methodId' });
    const name = cleanName(input.name, '');
    if (name === '') throw new UnlatchError('invalid_request', { field: 'name' });
    if (name === method.name) return summaryOf(method);
    await this.deps.store.transaction(async (tx) => {
      if (!(await this.deps.methods.within(tx).rename(account.tenantId, method.id, name))) throw new UnlatchError('not_found');
      await tx.audit.append(this.entry('method.renamed', 'success', account, client, { kind: method.kind, methodId: method.id }));
    });
    return summaryOf({ ...method, name });
  }

  /** Audit entry plus a notice to the person's address: a change they did not make is a warning sign. */
  private changed(tx: StoreTx, account: DirectoryAccount, client: ClientInfo, change: 'added' | 'removed' | 'backup_codes', methodName: string, details: Record<string, unknown>): Promise<void> {
    return recordMethodChange(this.deps, tx, account, client, change, methodName, details);
  }

  private passkeys(): Passkeys {
    if (!this.deps.passkeys) throw new UnlatchError('not_found');
    return this.deps.passkeys;
  }

  private entry(event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], account: DirectoryAccount, client: ClientInfo, details: Record<string, unknown>): AuditEntryInput {
    return selfEntry(event, outcome, account.tenantId, account.id, null, client, details);
  }
}

function summaryOf(method: RegisteredMethod): MethodSummary {
  const source = method.data.source;
  return { id: method.id, kind: method.kind, name: method.name, createdAt: method.createdAt, lastUsedAt: method.lastUsedAt, ...(source === 'import' || source === 'directory' ? { source } : {}) };
}

function latest(methods: RegisteredMethod[]): Date | null {
  const times = methods.map((m) => m.lastUsedAt?.getTime() ?? 0).filter((t) => t > 0);
  return times.length === 0 ? null : new Date(Math.max(...times));
}

/** A phone number as typed → E.164, or null. Spaces, dashes, dots and brackets are dropped; nothing else is rewritten. */
export function normalizePhone(raw: string): string | null {
  if (raw.length > 64) return null;
  const phone = raw.normalize('NFKC').replace(/[\s\-.()\u2010-\u2015]/g, '');
  return isE164(phone) ? phone : null;
}

/**
 * A label people chose: trimmed, control characters out, bounded to 64 characters (code points, so an emoji
 * at the end is never cut in half); a default when empty.
 */
export function cleanName(raw: string, fallback: string): string {
  const name = Array.from(raw.normalize('NFKC').replace(/\p{Cc}/gu, '').trim()).slice(0, MAX_NAME).join('').trim();
  return name === '' ? fallback : name;
}
