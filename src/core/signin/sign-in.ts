import type { RiskAssessor } from '../risk/risk-types.js';
import { selfEntry } from '../audit/self-entry.js';
import { languageMark } from '../i18n/language-match.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { hashHandle, newFlowHandle, newNumericCode } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { maskPhone } from '../identity/mask.js';
import type { ChallengeStore } from '../ports/challenges.js';
import type { SmsSender } from '../sms/sms-sender.js';
import { accountLimitKey, rateLimitedError } from '../limits.js';
import { ProofFailureCap } from '../proof-failure-cap.js';
import type { CodeMethod, MethodProof, MethodVerifier } from '../methods/method-verifier.js';
import { descriptorOf, SIGN_IN_KINDS, type SignInKind } from '../methods/method-kinds.js';
import type { Passkeys } from '../methods/webauthn/passkeys.js';
import type { WebAuthnOptionsJson, WebAuthnResponseJson } from '../ports/webauthn.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { Limiter } from '../ports/limiter.js';
import type { MethodRepository } from '../ports/methods.js';
import type { SessionRecord, SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { AccessPassRepository } from '../ports/access-passes.js';
import { signInWithAccessPass } from './access-pass-sign-in.js';
import { accountBehindGuessLimits } from './guessed-account.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import { isServiceAccount, SERVICE_ACCOUNT_REASON } from '../policy/service-accounts.js';

export interface SignInSettings {
  /** Lifetime of a full session (managing security info is a short visit). */
  sessionTtlSeconds: number;
  /** Time to prove a registered method after the password. */
  partialTtlSeconds: number;
  /** Wrong method proofs before the session ends. */
  maxProofAttempts: number;
}

export const DEFAULT_SIGN_IN_SETTINGS: SignInSettings = { sessionTtlSeconds: 900, partialTtlSeconds: 300, maxProofAttempts: 5 };

export interface SignInDeps {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  clock: Clock;
  sessions: SessionRepository;
  methods: MethodRepository;
  verifier: MethodVerifier;
  settings: SignInSettings;
  /** Passkey step-up (WebAuthn); without it a person's passkeys cannot finish a sign-in. */
  passkeys?: Passkeys;
  /**
   * SMS step-up for a person whose only methods are phones: the sender, the key ring (the code is kept only
   * as an HMAC) and the challenge store (one live code per session). Without all three, phones do not count.
   */
  sms?: SmsSender | null;
  keys?: KeyRing;
  challenges?: ChallengeStore;
  /** Temporary access passes from the helpdesk: without them a pass never signs anyone in. */
  accessPasses?: AccessPassRepository | null;
  /** The risk engine, told of each completed sign-in (its place and time, for impossible travel); absent: nothing. */
  risk?: Pick<RiskAssessor, 'recordSuccess'>;
  /** The tenant's policy: its privileged and service accounts (`serviceAccounts`) cannot sign in here. Absent: none are marked. */
  policyFor?: (tenantId: string) => TenantPolicy;
}

/** The methods that can finish a sign-in: a typed code, a passkey, or a code texted to a registered phone (see `MethodDescriptor.signIn`). */
export type StepUpMethod = SignInKind;

/** Where a sign-in code was texted (masked) and until when it works. */
export interface SignInSmsSent {
  phone: string;
  expiresAt: Date;
}

/** Lifetime of a texted sign-in code (never beyond the half-signed-in session). */
const SIGNIN_SMS_TTL_SECONDS = 600;
const SIGNIN_SMS_DIGITS = 6;

export interface SignedIn {
  /** Bearer token (192 bits); stored only as its SHA-256. */
  token: string;
  next: 'verify_method' | 'done';
  /** When `verify_method`: the kinds the person registered and may prove with. */
  methods: StepUpMethod[];
  expiresAt: Date;
}

export type ProofResult = { ok: true } | { ok: false; code: 'code_invalid'; attemptsLeft: number } | { ok: false; code: 'code_attempts_exceeded' };

/** The methods that, once registered, must also be proven to sign in (a password alone would let a thief add their own). */
const STEP_UP_KINDS: readonly StepUpMethod[] = SIGN_IN_KINDS.filter((kind) => descriptorOf(kind).signIn === 'step_up');

/**
 * Sign-in for managing one's own security info: the password, then — when the person has registered a
 * method — that method too. Unknown accounts and wrong passwords get one answer, after the same argon2 work.
 */
export class SignIn {
  /**
   * The method proofs of the second step count against the account's cap of consecutive failed proofs, like a
   * reset's: the same secrets, guessed another way. The password step does not: it is the person's normal
   * sign-in, which the cap must never lock.
   */
  private readonly cap: ProofFailureCap;

  constructor(private readonly deps: SignInDeps) {
    this.cap = new ProofFailureCap(deps.limiter);
  }

  async start(input: { tenantId: string; identifier: string; password: string; client: ClientInfo }): Promise<SignedIn> {
    const { directory, clock, settings } = this.deps;
    const tenantId = input.tenantId;
    const { account, rateKey } = await accountBehindGuessLimits(this.deps, tenantId, input.identifier, input.client.ip);
    // A password set to be changed first counts as right here only to say so (AD would otherwise refuse it as wrong).
    // A privileged or service account registers no methods here (they would serve no reset): a wrong password's
    // answer after the same work, audited as suspicious.
    const service = account !== null && isServiceAccount(this.deps.policyFor?.(tenantId).serviceAccounts, account);
    const valid = account && account.enabled && !service ? await directory.verifyPassword(account, input.password, { acceptMustChange: true }) : (await directory.verifyDummy(input.password, input.tenantId), false);
    if (!account || !valid) {
      const details = service ? { reason: SERVICE_ACCOUNT_REASON, suspicious: true } : account ? {} : { identifier: rateKey };
      await this.audit(selfEntry('signin.failed', service ? 'denied' : account ? 'failure' : 'decoy', tenantId, account?.id ?? null, null, input.client, details));
      throw new UnlatchError('invalid_credentials');
    }
    // A one-time password is for choosing one's own at /change, nothing else: whoever read it out (the helpdesk)
    // must not be able to sign in with it and register methods of their own.
    if ((await directory.accountDetails?.(account))?.mustChangePassword === true) {
      await this.audit(selfEntry('signin.failed', 'failure', tenantId, account.id, null, input.client, { reason: 'must_change' }));
      throw new UnlatchError('password_change_required');
    }

    const registered = await this.deps.methods.listForSubject(tenantId, account.id);
    const strong = STEP_UP_KINDS.filter((kind) => registered.some((m) => m.kind === kind && m.confirmed && !(kind === 'backup_code' && m.usedAt)));
    // A phone is asked for only when there is nothing stronger: SMS is the weakest method, never an alternative to one.
    const proofs: StepUpMethod[] = strong.length === 0 && this.smsEnabled() && registered.some((m) => m.kind === 'sms_code' && m.confirmed) ? ['sms_code'] : strong;
    const now = clock.now();
    const token = newFlowHandle();
    const partial = proofs.length > 0;
    const session: SessionRecord = {
      tokenHash: hashHandle(token),
      tenantId,
      subjectId: account.id,
      state: partial ? 'partial' : 'full',
      attempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (partial ? settings.partialTtlSeconds : settings.sessionTtlSeconds) * 1000),
      revokedAt: null,
    };
    await this.deps.store.transaction(async (tx) => {
      await this.deps.sessions.within(tx).insert(session);
      await tx.audit.append(selfEntry(partial ? 'signin.password_ok' : 'signin.completed', 'success', tenantId, account.id, null, input.client, { proofs }));
    });
    if (!partial) await this.deps.risk?.recordSuccess({ tenantId, subjectId: account.id, client: input.client, kind: 'sign_in' });
    return { token, next: partial ? 'verify_method' : 'done', methods: partial ? proofs : [], expiresAt: session.expiresAt };
  }

  /** Signs in with a temporary access pass instead of the password and a method (see `signInWithAccessPass`). */
  startWithAccessPass(input: { tenantId: string; identifier: string; pass: string; client: ClientInfo }): Promise<{ token: string; expiresAt: Date }> {
    return signInWithAccessPass({ ...this.deps, cap: this.cap, sessionTtlSeconds: this.deps.settings.sessionTtlSeconds }, input);
  }

  /** The second step: a code from a registered method. Wrong codes are counted; too many end the session. */
  async proveMethod(input: { token: string; method: CodeMethod | 'sms_code'; code: string; client: ClientInfo }): Promise<ProofResult> {
    const { session, account } = await this.load(input.token, 'partial');
    await this.enforceProofCap(account, input.method, input.client);
    if (input.method === 'sms_code') return this.proveSms(session, account, input.code, input.client);
    const proof = await this.deps.verifier.verify(account, input.method, input.code);
    return this.settle(session, account, input.method, proof, input.client);
  }

  /**
   * The phones a half-signed-in person may have a sign-in code texted to, masked (the password is proven, so
   * the person may see their own numbers' last digits). Empty when SMS is not the step-up for this person.
   */
  async smsPhones(input: { token: string }): Promise<Array<{ methodId: string; masked: string }>> {
    const { account } = await this.load(input.token, 'partial');
    const registered = await this.deps.methods.listForSubject(account.tenantId, account.id);
    const strong = registered.some((m) => STEP_UP_KINDS.includes(m.kind as StepUpMethod) && m.confirmed && !(m.kind === 'backup_code' && m.usedAt));
    if (strong || !this.deps.sms) return [];
    return registered
      .filter((m) => m.kind === 'sms_code' && m.confirmed && typeof m.data.phone === 'string')
      .map((m) => ({ methodId: m.id, masked: maskPhone(String(m.data.phone)) }));
  }

  /**
   * Texts a sign-in code to one of the person's confirmed phones (`methodId`, or the most recently added),
   * only for a half-signed-in session that is asked for an SMS code (no stronger method registered). A newer
   * code replaces the previous one. The password is proven already, so the SMS limits answer `rate_limited`
   * openly, as when adding a number.
   */
  async sendSms(input: { token: string; methodId?: string; client: ClientInfo }): Promise<SignInSmsSent> {
    const { session, account } = await this.load(input.token, 'partial');
    const { sms, keys, challenges } = this.deps;
    const registered = await this.deps.methods.listForSubject(account.tenantId, account.id);
    const strong = registered.some((m) => STEP_UP_KINDS.includes(m.kind as StepUpMethod) && m.confirmed && !(m.kind === 'backup_code' && m.usedAt));
    const phones = registered.filter((m) => m.kind === 'sms_code' && m.confirmed && typeof m.data.phone === 'string');
    const method = input.methodId === undefined ? phones.at(-1) : phones.find((m) => m.id === input.methodId);
    if (!sms || !keys || !challenges || strong || !method) throw new UnlatchError('not_found');
    const phone = String(method.data.phone);
    const admission = await sms.admit({ tenantId: account.tenantId, to: phone });
    if (!('admitted' in admission)) {
      await this.audit(selfEntry('signin.sms_suppressed', 'denied', account.tenantId, account.id, null, input.client, { reason: admission.reason, ...('limit' in admission ? { limit: admission.limit } : {}) }));
      if (admission.reason === 'invalid_number') throw new UnlatchError('invalid_request', { field: 'phone' });
      throw rateLimitedError(admission.retryAfterSeconds);
    }
    const now = this.deps.clock.now();
    const expiresAt = new Date(Math.min(session.expiresAt.getTime(), now.getTime() + SIGNIN_SMS_TTL_SECONDS * 1000));
    const code = newNumericCode(SIGNIN_SMS_DIGITS);
    const mac = keys.mac('code-hmac', signInSmsMessage(session.tokenHash, code));
    await challenges.issue({ purpose: 'signin_sms', owner: session.tokenHash, challenge: mac.digest, context: { keyId: mac.keyId, methodId: method.id, expiresAt: expiresAt.getTime() }, expiresAt }, now);
    await this.deps.store.transaction(async (tx) => {
      await tx.outbox.enqueue({
        channel: 'sms',
        template: 'sms_code',
        tenantId: account.tenantId,
        to: phone,
        data: { code, tenantName: this.deps.tenants.get(account.tenantId)?.name ?? account.tenantId, expiresInMinutes: Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000)), purpose: 'signin', ...languageMark(input.client.lang, account.preferredLanguage) },
        idempotencyKey: `sms_code:signin:${mac.digest.slice(0, 32)}`,
        subjectId: account.id,
      });
      await tx.audit.append(selfEntry('signin.sms_sent', 'success', account.tenantId, account.id, null, input.client, { methodId: method.id, phone: maskPhone(phone) }));
    });
    return { phone: maskPhone(phone), expiresAt };
  }

  /**
   * A texted code: the live one is taken (so two racing tries cannot both use it) and, when wrong and the
   * session lives on, put back unchanged; a wrong or missing code counts like any wrong proof.
   */
  private async proveSms(session: SessionRecord, account: DirectoryAccount, typed: string, client: ClientInfo): Promise<ProofResult> {
    const { keys, challenges } = this.deps;
    const now = this.deps.clock.now();
    const candidate = typed.normalize('NFKC').replace(/[\s-]/g, '');
    const taken = keys && challenges && this.smsEnabled() ? await challenges.take('signin_sms', session.tokenHash, now) : null;
    const keyId = typeof taken?.context.keyId === 'string' ? taken.context.keyId : keys?.currentId ?? '';
    const matches = keys ? keys.verifyMac('code-hmac', keyId, signInSmsMessage(session.tokenHash, candidate), taken?.challenge ?? '') : false;
    const methodId = typeof taken?.context.methodId === 'string' ? taken.context.methodId : null;
    const phone = matches && methodId ? await this.deps.methods.get(account.tenantId, methodId) : null;
    const ok = matches && taken !== null && /^[0-9]{6}$/.test(candidate) && phone !== null && phone.subjectId === account.id && phone.kind === 'sms_code' && phone.confirmed;
    const proof: MethodProof = ok && phone ? { ok: true, methodId: phone.id } : { ok: false, reason: 'wrong' };
    const result = await this.settle(session, account, 'sms_code', proof, client, ok ? undefined : taken ? 'wrong' : 'no_code');
    // A wrong try does not spend the texted code: it goes back, with its own expiry, while the session lives.
    const expiresAt = Number(taken?.context.expiresAt);
    if (!result.ok && result.code === 'code_invalid' && taken && challenges && Number.isFinite(expiresAt)) {
      await challenges.issue({ purpose: 'signin_sms', owner: session.tokenHash, challenge: taken.challenge, context: taken.context, expiresAt: new Date(expiresAt) }, now);
    }
    return result;
  }

  /** Phones count for sign-in only with an SMS sender, a key ring and a challenge store. */
  private smsEnabled(): boolean {
    return Boolean(this.deps.sms && this.deps.keys && this.deps.challenges);
  }

  /**
   * Options for a passkey step-up, with a fresh single-use challenge bound to this half-signed-in session.
   * The password is already proven here, so the person's own credentials are listed (`allowCredentials`):
   * security keys that cannot hold discoverable credentials work too.
   */
  async passkeyOptions(input: { token: string }): Promise<WebAuthnOptionsJson> {
    const { session, account } = await this.load(input.token, 'partial');
    if (!this.deps.passkeys) throw new UnlatchError('not_found');
    return this.deps.passkeys.authenticationOptions('signin', session.tokenHash, await this.deps.passkeys.passkeysOf(account));
  }

  /** The second step with a passkey: counted like a wrong code when refused. */
  async provePasskey(input: { token: string; credential: WebAuthnResponseJson; client: ClientInfo }): Promise<ProofResult> {
    const { session, account } = await this.load(input.token, 'partial');
    await this.enforceProofCap(account, 'webauthn', input.client);
    const result = this.deps.passkeys
      ? await this.deps.passkeys.verifyAssertion({ purpose: 'signin', owner: session.tokenHash, account, response: input.credential, client: input.client, flowId: null })
      : { ok: false as const, reason: 'not_registered' };
    const proof: MethodProof = result.ok ? result : { ok: false, reason: 'wrong' };
    return this.settle(session, account, 'webauthn', proof, input.client, result.ok ? undefined : result.reason);
  }

  /** A proof's outcome: a full session, or one more wrong attempt (the session ends at the limit). */
  private async settle(session: SessionRecord, account: DirectoryAccount, method: StepUpMethod, proof: MethodProof, client: ClientInfo, detail?: string): Promise<ProofResult> {
    const { settings, clock } = this.deps;
    const input = { method, client };
    const now = clock.now();
    if (proof.ok) {
      const next = { state: 'full' as const, attempts: session.attempts, expiresAt: new Date(now.getTime() + settings.sessionTtlSeconds * 1000) };
      if (!(await this.deps.sessions.update(session.tokenHash, session, next))) throw new UnlatchError('conflict');
      await this.audit(selfEntry('signin.completed', 'success', account.tenantId, account.id, null, input.client, { method: input.method }));
      await this.cap.succeeded(capKey(account));
      await this.deps.risk?.recordSuccess({ tenantId: account.tenantId, subjectId: account.id, client: input.client, kind: 'sign_in' });
      return { ok: true };
    }
    const paused = await this.cap.failed(capKey(account));
    if (paused) await this.audit(selfEntry('reset.proofs_paused', 'denied', account.tenantId, account.id, null, input.client, { bucket: 'proof_failures', method: input.method, via: 'signin' }));
    const attempts = session.attempts + 1;
    const exhausted = attempts >= settings.maxProofAttempts;
    if (!(await this.deps.sessions.update(session.tokenHash, session, { state: 'partial', attempts, expiresAt: session.expiresAt }))) throw new UnlatchError('conflict');
    if (exhausted) await this.deps.sessions.revoke(session.tokenHash, now);
    await this.audit(selfEntry('signin.proof_failed', 'failure', account.tenantId, account.id, null, input.client, { method: input.method, reason: detail ?? proof.reason, attempts }));
    return exhausted ? { ok: false, code: 'code_attempts_exceeded' } : { ok: false, code: 'code_invalid', attemptsLeft: settings.maxProofAttempts - attempts };
  }

  /**
   * While the account's proofs are paused (`proof_failures`) a method proof is refused before it is looked at.
   * The password is proven here, so the pause is answered openly: `rate_limited` with Retry-After.
   */
  private async enforceProofCap(account: DirectoryAccount, method: StepUpMethod, client: ClientInfo): Promise<void> {
    const retryAfter = await this.cap.pausedFor(capKey(account));
    if (retryAfter === null) return;
    await this.audit(selfEntry('signin.proof_failed', 'denied', account.tenantId, account.id, null, client, { method, reason: 'proofs_paused' }));
    throw rateLimitedError(retryAfter);
  }

  /** The signed-in person behind a token, or `session_invalid`. */
  async resolve(token: string): Promise<{ account: DirectoryAccount; session: SessionRecord }> {
    return this.load(token, 'full');
  }

  async signOut(token: string, client: ClientInfo): Promise<void> {
    const session = await this.deps.sessions.find(hashHandle(token));
    if (!session || session.revokedAt) return;
    await this.deps.store.transaction(async (tx) => {
      await this.deps.sessions.within(tx).revoke(session.tokenHash, this.deps.clock.now());
      await tx.audit.append(selfEntry('signin.signed_out', 'success', session.tenantId, session.subjectId, null, client));
    });
  }

  private async load(token: string, state: SessionRecord['state']): Promise<{ session: SessionRecord; account: DirectoryAccount }> {
    if (token.length === 0 || token.length > 128) throw new UnlatchError('session_invalid');
    const session = await this.deps.sessions.find(hashHandle(token));
    const now = this.deps.clock.now().getTime();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now || session.state !== state) throw new UnlatchError('session_invalid');
    const account = await this.deps.directory.findById(session.tenantId, session.subjectId);
    if (!account || !account.enabled) throw new UnlatchError('session_invalid');
    return { session, account };
  }

  private async audit(entry: AuditEntryInput): Promise<void> {
    await this.deps.store.transaction((tx) => tx.audit.append(entry));
  }
}

/** The account's key in the failure cap: the same as its reset flows use (`tenant:accountLimitKey`). */
function capKey(account: DirectoryAccount): string {
  return `${account.tenantId}:${accountLimitKey(account, '')}`;
}

/** What a sign-in code's MAC covers: the session (its token's hash) and the code, so a code serves one session only. */
function signInSmsMessage(tokenHash: string, code: string): string {
  return `${tokenHash}:signin-sms:${code}`;
}
