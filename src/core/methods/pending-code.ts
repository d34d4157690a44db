import type { KeyRing } from '../crypto/key-ring.js';
import { selfEntry } from '../audit/self-entry.js';
import { UnlatchError } from '../errors.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind, MethodRepository, RegisteredMethod } from '../ports/methods.js';
import type { Store, StoreTx } from '../ports/store.js';

/**
 * A contact address (phone number, email address) counts only once the person types the code sent to it.
 * Until then it is a pending method whose sealed secret holds this: the code's HMAC (never the code) and
 * when it stops working. SECURITY.md: ≥ 6 digits, ≤ 10 minutes, a few tries.
 */
export interface PendingCode {
  keyId: string;
  digest: string;
  expiresAt: number;
}

export const CONTACT_CODE_DIGITS = 6;
export const CONTACT_CODE_TTL_SECONDS = 600;
export const CONTACT_CODE_MAX_ATTEMPTS = 5;

export type ContactConfirmResult =
  | { ok: true }
  | { ok: false; code: 'code_invalid'; attemptsLeft: number }
  | { ok: false; code: 'code_attempts_exceeded' };

export interface PendingCodeDeps {
  store: Store;
  methods: MethodRepository;
  keys: KeyRing;
  clock: Clock;
}

/** The message a contact code is MAC'd over: bound to its pending method, so the digits mean nothing for another. */
export function contactCodeMessage(kind: MethodKind, methodId: string, code: string): string {
  return `${kind === 'sms_code' ? 'phone' : 'email'}:${methodId}:${code}`;
}

/** The sealed secret of a new pending method holding `code`, and when the code expires. */
export function newPendingCode(keys: KeyRing, kind: MethodKind, methodId: string, code: string, now: Date): { secret: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + CONTACT_CODE_TTL_SECONDS * 1000);
  const mac = keys.mac('code-hmac', contactCodeMessage(kind, methodId, code));
  const pending: PendingCode = { keyId: mac.keyId, digest: mac.digest, expiresAt: expiresAt.getTime() };
  return { secret: JSON.stringify(pending), expiresAt };
}

/**
 * Confirms one of the person's pending contact methods of `kind` with the code sent to it. Each try is counted
 * atomically first; the fifth wrong one removes the pending method (a new code must be requested); an expired
 * code is wrong. When the same address was confirmed meanwhile (`sameAs`, another tab) the pending copy goes
 * and `method_exists` is thrown. `recordAdded` writes the audit entry and notice inside the confirming transaction.
 */
export async function confirmPendingCode(
  deps: PendingCodeDeps,
  input: {
    account: DirectoryAccount;
    methodId: string;
    kind: MethodKind;
    code: string;
    client: ClientInfo;
    field: string;
    sameAs: (confirmed: RegisteredMethod, pending: RegisteredMethod) => boolean;
    recordAdded: (tx: StoreTx, method: RegisteredMethod) => Promise<void>;
  },
): Promise<ContactConfirmResult> {
  const { account, client, kind } = input;
  const method = await deps.methods.get(account.tenantId, input.methodId);
  if (!method || method.subjectId !== account.id || method.kind !== kind || method.confirmed) throw new UnlatchError('not_found');
  const attempts = await deps.methods.spendConfirmAttempt(account.tenantId, method.id, CONTACT_CODE_MAX_ATTEMPTS);
  if (attempts === null) return { ok: false, code: 'code_attempts_exceeded' };
  const pending = parsePending(await deps.methods.readSecret(account.tenantId, method.id));
  const now = deps.clock.now();
  const candidate = input.code.normalize('NFKC').replace(/\s+/g, '');
  // The MAC is checked on every path, so a malformed or expired code takes as long as a wrong one.
  const matches = deps.keys.verifyMac('code-hmac', pending?.keyId ?? deps.keys.currentId, contactCodeMessage(kind, method.id, candidate), pending?.digest ?? '');
  const ok = matches && pending !== null && pending.expiresAt > now.getTime() && new RegExp(`^[0-9]{${CONTACT_CODE_DIGITS}}$`).test(candidate);
  if (!ok) {
    const exhausted = attempts >= CONTACT_CODE_MAX_ATTEMPTS;
    await deps.store.transaction(async (tx) => {
      if (exhausted) await deps.methods.within(tx).remove(account.tenantId, method.id);
      await tx.audit.append(selfEntry('method.confirm_failed', 'failure', account.tenantId, account.id, null, client, { kind, methodId: method.id, attempts, reason: pending && pending.expiresAt <= now.getTime() ? 'expired' : 'wrong' }));
    });
    return exhausted ? { ok: false, code: 'code_attempts_exceeded' } : { ok: false, code: 'code_invalid', attemptsLeft: CONTACT_CODE_MAX_ATTEMPTS - attempts };
  }
  const duplicate = await deps.store.transaction(async (tx) => {
    const methods = deps.methods.within(tx);
    const registered = await methods.listForSubject(account.tenantId, account.id);
    if (registered.some((m) => m.id !== method.id && m.kind === kind && m.confirmed && input.sameAs(m, method))) {
      await methods.remove(account.tenantId, method.id);
      return true;
    }
    if (!(await methods.confirm(account.tenantId, method.id, now))) throw new UnlatchError('conflict');
    await input.recordAdded(tx, method);
    return false;
  });
  if (duplicate) throw new UnlatchError('method_exists', { field: input.field });
  return { ok: true };
}

function parsePending(secret: string | null): PendingCode | null {
  try {
    return JSON.parse(secret ?? 'null') as PendingCode | null;
  } catch {
    return null;
  }
}
