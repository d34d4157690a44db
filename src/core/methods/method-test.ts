import { selfEntry } from '../audit/self-entry.js';
import { languageMark } from '../i18n/language-match.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { newNumericCode } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { maskEmail, maskPhone } from '../identity/mask.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ChallengeStore } from '../ports/challenges.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { MethodKind, MethodRepository, RegisteredMethod } from '../ports/methods.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { WebAuthnOptionsJson, WebAuthnResponseJson } from '../ports/webauthn.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { Passkeys } from './webauthn/passkeys.js';
import { CONTACT_CODE_DIGITS, CONTACT_CODE_TTL_SECONDS } from './pending-code.js';
import { verifyTotp } from './totp/totp.js';

export interface MethodTestDeps {
  store: Store;
  methods: MethodRepository;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  /** `method_test` (tries per method) and `send_destination` (mail to an address). */
  limiter: Limiter;
  /** Where a test's passkey challenge or code HMAC waits, bound to the session and the method. */
  challenges: ChallengeStore;
  /** Without it, passkeys cannot be tested. */
  passkeys?: Passkeys;
  /** Without it, phones cannot be tested (nothing can text them). */
  sms?: SmsSender | null;
}

/**
 * How a method is tested: `totp` type a current code; `send_code` have a code texted or mailed to it, then
 * type it; `passkey` a WebAuthn ceremony with that credential; `none` no test (backup codes: a test would
 * spend one; security questions; a phone while no SMS provider is configured).
 */
export type TestMode = 'totp' | 'send_code' | 'passkey' | 'none';

/** What the test page of one method shows. */
export interface TestPlan {
  methodId: string;
  kind: MethodKind;
  name: string;
  mode: TestMode;
  /** `send_code`: where the code goes, masked (`•••• 0123`, `j•••@example.org`). */
  destination: string | null;
}

/** The first step of a test: type a code (already sent, for phones and addresses), or answer passkey options. */
export type TestBegun =
  | { next: 'code'; kind: 'totp' }
  | { next: 'code'; kind: 'sms_code' | 'email_code'; sentTo: string; expiresAt: Date }
  | { next: 'passkey'; kind: 'webauthn'; options: WebAuthnOptionsJson };

/**
 * A test's outcome. `attemptsLeft`: tries of this method left in the limit's window, when the limiter says;
 * `reason` for the page's wording (`replayed`: an app code already used; `no_code`: none sent, or it expired).
 */
export type TestResult = { ok: true } | { ok: false; code: 'code_invalid'; reason: string; attemptsLeft?: number };

/**
 * Testing a registered method without changing anything: the person proves it still works — their app gives
 * a right code, a texted or mailed code arrives, their passkey signs — and sees "It works".
 *
 * - Only the signed-in person's own confirmed methods (another id is `not_found`, whoever owns it).
 * - A test is a real use: an app code's step is spent (the same code cannot be replayed, in a test or a
 *   reset), a passkey's counter moves, a sent code is single-use. Backup codes have no test: it would spend one.
 * - Every try is counted first, in the `method_test` bucket per method (default 5 per 10 minutes), whatever
 *   its outcome and before anything is checked, so concurrent guesses cannot slip past the count: a full
 *   session must not make this page an oracle for guessing app codes.
 * - A sent code is kept only as an HMAC in the challenge store, bound to the session and the method, for
 *   10 minutes; a newer one replaces it; a wrong try puts it back while tries are left, a right one spends it.
 *   Sending respects the SMS limits (`sms.admit`) and, for mail, `send_destination`.
 * - Success moves the method's `lastUsedAt`; every outcome is audited (`method.tested`). Nothing changed, so
 *   no notice is mailed.
 */
export class MethodTest {
  constructor(private readonly deps: MethodTestDeps) {}

  /** Whether methods of `kind` have a test here (for the list's "Test" links). */
  canTest(kind: MethodKind): boolean {
    return (kind === 'totp' || kind === 'email_code' || (kind === 'webauthn' && Boolean(this.deps.passkeys)) || (kind === 'sms_code' && Boolean(this.deps.sms)));
  }

  /** How one of the person's methods (or `backup_codes`, the set) is tested; `not_found` when it is not theirs. */
  async plan(account: DirectoryAccount, methodId: string): Promise<TestPlan> {
    if (methodId === 'backup_codes') {
      const codes = (await this.confirmed(account)).filter((m) => m.kind === 'backup_code');
      if (codes.length === 0) throw new UnlatchError('not_found');
      return { methodId, kind: 'backup_code', name: 'Backup codes', mode: 'none', destination: null };
    }
    const method = await this.own(account, methodId);
    return { methodId: method.id, kind: method.kind, name: method.name, mode: this.modeOf(method), destination: destinationOf(method) };
  }

  /**
   * Starts a test. An app needs nothing sent (`next: code`); a phone or address gets a fresh 6-digit code
   * (the send limits answer `rate_limited`: the person is signed in, there is nothing to hide); a passkey gets
   * options naming only that credential. A method without a test is `invalid_request`.
   */
  async begin(input: { account: DirectoryAccount; sessionHash: string; methodId: string; client: ClientInfo }): Promise<TestBegun> {
    const { account, client } = input;
    const method = await this.testable(account, input.methodId);
    const owner = testOwner(input.sessionHash, method.id);
    const details = { kind: method.kind, methodId: method.id };
    if (method.kind === 'totp') return { next: 'code', kind: 'totp' };
    if (method.kind === 'webauthn') {
      const options = await this.deps.passkeys!.authenticationOptions('method_test', owner, [method]);
      await this.audit(selfEntry('method.test_started', 'success', account.tenantId, account.id, null, client, details));
      return { next: 'passkey', kind: 'webauthn', options };
    }
    const to = String(method.kind === 'sms_code' ? method.data.phone : method.data.email);
    const sentTo = destinationOf(method)!;
    const refusal = method.kind === 'sms_code' ? await this.admitSms(account.tenantId, to) : await this.admitMail(account.tenantId, to);
    if (refusal) {
      await this.audit(selfEntry('method.test_started', 'denied', account.tenantId, account.id, null, client, { ...details, ...refusal.audit }));
      if (refusal.audit.reason === 'invalid_number') throw new UnlatchError('invalid_request', { field: 'methodId' });
      throw rateLimitedError(refusal.retryAfterSeconds);
    }
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + CONTACT_CODE_TTL_SECONDS * 1000);
    const code = newNumericCode(CONTACT_CODE_DIGITS);
    const mac = this.deps.keys.mac('code-hmac', testCodeMessage(owner, code));
    await this.deps.challenges.issue({ purpose: 'method_test', owner, challenge: mac.digest, context: { keyId: mac.keyId, expiresAt: expiresAt.getTime() }, expiresAt }, now);
    const tenantName = this.deps.tenants.get(account.tenantId)?.name ?? account.tenantId;
    await this.deps.store.transaction(async (tx) => {
      await tx.outbox.enqueue(
        method.kind === 'sms_code'
          ? {
              channel: 'sms',
              template: 'sms_code',
              tenantId: account.tenantId,
              to,
              data: { code, tenantName, expiresInMinutes: CONTACT_CODE_TTL_SECONDS / 60, purpose: 'test', ...languageMark(input.client.lang, account.preferredLanguage) },
              idempotencyKey: `sms_code:test:${mac.digest.slice(0, 32)}`,
              subjectId: account.id,
            }
          : {
              channel: 'email',
              template: 'address_code',
              tenantId: account.tenantId,
              to,
              data: { code, displayName: account.displayName ?? account.username, tenantName, expiresInMinutes: CONTACT_CODE_TTL_SECONDS / 60, purpose: 'test', ...languageMark(input.client.lang, account.preferredLanguage) },
              idempotencyKey: `address_code:test:${mac.digest.slice(0, 32)}`,
              subjectId: account.id,
            },
      );
      await tx.audit.append(selfEntry('method.test_started', 'success', account.tenantId, account.id, null, client, { ...details, sentTo }));
    });
    return { next: 'code', kind: method.kind as 'sms_code' | 'email_code', sentTo, expiresAt };
  }

  /**
   * Finishes a test with a typed code (app, phone, address) or a passkey's answer. The try is counted before
   * anything is checked; past the limit the answer is `rate_limited` and nothing is checked.
   */
  async finish(input: { account: DirectoryAccount; sessionHash: string; methodId: string; code?: string; credential?: WebAuthnResponseJson; client: ClientInfo }): Promise<TestResult> {
    const { account, client } = input;
    const method = await this.testable(account, input.methodId);
    const passkey = method.kind === 'webauthn';
    if (passkey ? input.credential === undefined || input.code !== undefined : input.code === undefined || input.credential !== undefined) {
      throw new UnlatchError('invalid_request', { field: passkey ? 'credential' : 'code' });
    }
    const details = { kind: method.kind, methodId: method.id };
    const decision = await this.deps.limiter.consume('method_test', `${account.tenantId}:${method.id}`);
    if (!decision.allowed) {
      await this.audit(selfEntry('method.tested', 'denied', account.tenantId, account.id, null, client, { ...details, reason: 'rate_limited' }));
      throw rateLimitedError(decision.retryAfterSeconds);
    }
    const owner = testOwner(input.sessionHash, method.id);
    const now = this.deps.clock.now();
    let reason: string | null;
    if (method.kind === 'totp') reason = await this.checkTotp(method, input.code!, now);
    else if (passkey) reason = await this.checkPasskey(account, method, owner, input.credential!, client);
    else reason = await this.checkSentCode(owner, input.code!, now, decision.remaining !== 0);

    if (reason === null) {
      await this.deps.store.transaction(async (tx) => {
        await this.deps.methods.within(tx).touch(account.tenantId, method.id, now);
        await tx.audit.append(selfEntry('method.tested', 'success', account.tenantId, account.id, null, client, details));
      });
      return { ok: true };
    }
    await this.audit(selfEntry('method.tested', 'failure', account.tenantId, account.id, null, client, { ...details, reason }));
    return { ok: false, code: 'code_invalid', reason, ...(decision.remaining === undefined ? {} : { attemptsLeft: decision.remaining }) };
  }

  /** Null when the code is right for THIS app (its step is then spent), else why not. */
  private async checkTotp(method: RegisteredMethod, code: string, now: Date): Promise<string | null> {
    const secret = await this.deps.methods.readSecret(method.tenantId, method.id);
    const verdict = verifyTotp({ secretBase32: secret ?? '', code, nowMs: now.getTime(), lastUsedStep: method.lastUsedStep });
    if (!verdict.ok) return verdict.reason;
    // Only-if-newer, atomically: the same code racing in a test and a reset counts once.
    return (await this.deps.methods.recordTotpStep(method.tenantId, method.id, verdict.step, now)) ? null : 'replayed';
  }

  /** Null when the assertion is good and made by THIS passkey (the challenge is spent either way). */
  private async checkPasskey(account: DirectoryAccount, method: RegisteredMethod, owner: string, credential: WebAuthnResponseJson, client: ClientInfo): Promise<string | null> {
    const proof = await this.deps.passkeys!.verifyAssertion({ purpose: 'method_test', owner, account, response: credential, client, flowId: null });
    if (!proof.ok) return proof.reason;
    return proof.methodId === method.id ? null : 'other_credential';
  }

  /**
   * Null when the code matches the live one of this session and method. The code is taken first (two racing
   * tries cannot both use it); a wrong try puts it back unchanged while `keep` (tries are left).
   */
  private async checkSentCode(owner: string, typed: string, now: Date, keep: boolean): Promise<string | null> {
    const { keys, challenges } = this.deps;
    const candidate = typed.normalize('NFKC').replace(/[\s-]/g, '');
    const taken = await challenges.take('method_test', owner, now);
    const keyId = typeof taken?.context.keyId === 'string' ? taken.context.keyId : keys.currentId;
    // The MAC is computed on every path, so a missing code takes as long as a wrong one.
    const matches = keys.verifyMac('code-hmac', keyId, testCodeMessage(owner, candidate), taken?.challenge ?? '');
    if (taken && matches && new RegExp(`^[0-9]{${CONTACT_CODE_DIGITS}}$`).test(candidate)) return null;
    const expiresAt = Number(taken?.context.expiresAt);
    if (taken && keep && Number.isFinite(expiresAt)) {
      await challenges.issue({ purpose: 'method_test', owner, challenge: taken.challenge, context: taken.context, expiresAt: new Date(expiresAt) }, now);
    }
    return taken ? 'wrong' : 'no_code';
  }

  /** Null when the SMS limits let a text go to `to`, else why not (audited) and when to try again. */
  private async admitSms(tenantId: string, to: string): Promise<SendRefusal | null> {
    const admission = await this.deps.sms!.admit({ tenantId, to });
    if ('admitted' in admission) return null;
    if (admission.reason === 'invalid_number') return { audit: { reason: 'invalid_number' }, retryAfterSeconds: 0 };
    return { audit: { reason: admission.reason, limit: admission.limit }, retryAfterSeconds: admission.retryAfterSeconds };
  }

  /** Null when `send_destination` lets a mail go to `to`. */
  private async admitMail(tenantId: string, to: string): Promise<SendRefusal | null> {
    const denied = await firstExhausted(this.deps.limiter, [['send_destination', `${tenantId}:${normalizeIdentifier(to)}`]]);
    return denied ? { audit: { reason: 'rate_limited', limit: 'send_destination' }, retryAfterSeconds: denied.retryAfterSeconds } : null;
  }

  /** One of the person's confirmed methods that has a test, or `not_found` / `invalid_request`. */
  private async testable(account: DirectoryAccount, methodId: string): Promise<RegisteredMethod> {
    if (methodId === 'backup_codes') throw new UnlatchError('invalid_request', { field: 'methodId' });
    const method = await this.own(account, methodId);
    if (this.modeOf(method) === 'none') throw new UnlatchError('invalid_request', { field: 'methodId' });
    return method;
  }

  private async own(account: DirectoryAccount, methodId: string): Promise<RegisteredMethod> {
    const method = await this.deps.methods.get(account.tenantId, methodId);
    if (!method || method.subjectId !== account.id || !method.confirmed) throw new UnlatchError('not_found');
    return method;
  }

  private async confirmed(account: DirectoryAccount): Promise<RegisteredMethod[]> {
    return (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.confirmed);
  }

  private modeOf(method: RegisteredMethod): TestMode {
    switch (method.kind) {
      case 'totp':
        return 'totp';
      case 'webauthn':
        return this.deps.passkeys ? 'passkey' : 'none';
      case 'sms_code':
        return this.deps.sms && typeof method.data.phone === 'string' ? 'send_code' : 'none';
      case 'email_code':
        return typeof method.data.email === 'string' ? 'send_code' : 'none';
      default:
        return 'none';
    }
  }

  private async audit(entry: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(entry));
  }
}

/** Why a code could not be sent now: the audit details, and the wait a `rate_limited` answer names. */
interface SendRefusal {
  audit: { reason: string; limit?: string };
  retryAfterSeconds: number;
}

/** A test's challenge owner: the session (its token's hash) and the method, so a test serves one of each. */
function testOwner(sessionHash: string, methodId: string): string {
  return `${sessionHash}:${methodId}`;
}

/** What a test code's MAC covers: its owner and the code, so the digits mean nothing for another session or method. */
function testCodeMessage(owner: string, code: string): string {
  return `${owner}:method-test:${code}`;
}

function destinationOf(method: RegisteredMethod): string | null {
  if (method.kind === 'sms_code' && typeof method.data.phone === 'string') return maskPhone(method.data.phone);
  if (method.kind === 'email_code' && typeof method.data.email === 'string') return maskEmail(method.data.email);
  return null;
}
