import { UnlatchError } from '../errors.js';
import { accountLimitKey, firstExhausted } from '../limits.js';
import { hashHandle, newFlowHandle, newId, newNumericCode } from '../crypto/secrets.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import type { WebAuthnOptionsJson } from '../ports/webauthn.js';
import type { PasswordPolicy } from '../password/password-policy.js';
import { selfEntry } from '../audit/self-entry.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryPasswordRules } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { Limiter } from '../ports/limiter.js';
import type { SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { FlowPurpose, ResetFlowRecord } from './reset-flow-record.js';
import { FlowSteps } from './flow-steps.js';
import { ProofJudge } from './proof-judge.js';
import { ResetSms } from './reset-sms.js';
import { FlowCompletion, type SetPasswordResult } from './flow-completion.js';
import { ResetProofs } from './reset-proofs.js';
import type { ProofDeps } from '../methods/proof-strategy.js';
import { codeMessage } from '../methods/email_code/code-binding.js';
import type { ResetSettings } from './reset-settings.js';
import { NEXT_STEP } from './reset-states.js';
import { contactEmails } from '../methods/email_code/contact-emails.js';
import { resetIdentifier, startEligibility, isSuspicious } from './reset-eligibility.js';
import { FIRST_PROOF_KINDS } from '../methods/method-kinds.js';
import { KIND_LABEL } from '../methods/proof-label.js';
import { enqueueDecoyMail, enqueueResetMails } from './reset-mail.js';
import type { PolicyOverrideLookup } from '../incident/incident-store.js';
import { flowDetails, NO_CANARIES, type CanaryAccounts } from './canary-accounts.js';
import type { ReviewSettings } from '../risk/review-settings.js';
import type { ProofOfWorkGate, RiskAssessor, RiskDecision, RiskSignal } from '../risk/risk-types.js';
import { allowDecision } from '../risk/risk-policy.js';
import { deviceHash, validDevice } from '../risk/device-hash.js';
import type { RefusalDigest } from '../audit/refusal-digest.js';

/**
 * What the reset needs. The methods' own needs (registered methods, the verifier, passkeys, SMS, the answer
 * hasher, …) come from {@link ProofDeps}, so a method that needs something new declares it there only.
 */
export interface ResetFlowDeps extends Omit<ProofDeps, 'codeDigits'> {
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  keys: KeyRing;
  limiter: Limiter;
  passwords: PasswordPolicy;
  clock: Clock;
  observer: FlowObserver;
  settings: ResetSettings;
  /** The method policy of a tenant: who may reset at all (excluded groups, rules). */
  policyFor: (tenantId: string) => TenantPolicy;
  /** Sign-in sessions, all ended when the password changes. */
  sessions: SessionRepository;
  /** Waits between post-write sign-in checks; a real timer by default (tests pass their own). */
  delay?: (ms: number) => Promise<void>;
  /** Accounts whose self-service a person paused with a "this wasn't me" report (none when absent). */
  holds?: { isHeld(tenantId: string, subjectId: string): Promise<boolean> };
  /** Stricter policies an incident set for some people (`strict` mode; none when absent), asked by `personDecision`. */
  policyOverrides?: PolicyOverrideLookup;
  /** The synthetic check's canary accounts, whose flows are marked and counted apart (none by default). */
  canaries?: CanaryAccounts;
  /** The risk engine scoring each start (absent: every start is allowed, and no decision is kept). See docs/risk.md. */
  risk?: RiskAssessor;
  /** The proof-of-work gate of the start (absent: no start needs one). */
  proofOfWork?: ProofOfWorkGate;
  /** Folds a flood's repeated rate-limit refusals into one audit entry per key and window (see RefusalDigest). */
  refusals?: RefusalDigest;
  /** How long a flow held for review waits for an operator (`risk.review.ttlHours`); 24 hours when absent. */
  review?: ReviewSettings;
}

export interface StartedReset {
  /** The public flow id: a bearer secret for this flow, never logged. */
  flowId: string;
  next: 'verify_code';
  expiresAt: Date;
}

export type { ProofChoice, ProofInput, ProofMethod, ResetProofMethod, SmsCodeSent, VerifyCodeResult } from './proof-types.js';
export type { ProofLabel } from '../methods/proof-label.js';
import type { ProofChoice, ProofInput, SmsCodeSent, VerifyCodeResult } from './proof-types.js';
export type { SetPasswordResult } from './flow-completion.js';

export interface FlowView {
  /** `wait_for_review`: the proofs are complete and an operator must approve the flow first (risk action `hold`). */
  next: 'verify_code' | 'verify_second' | 'wait_for_review' | 'set_password' | 'unlock';
  expiresAt: Date;
  attemptsLeft: number;
  /** The methods the next proof may use (empty at the password step). */
  methods: ProofChoice[];
  /** At the password step: what the person's directory itself requires, where it can tell (LDAP ppolicy, AD). */
  directoryRules?: DirectoryPasswordRules | null;
  /** The tenant the flow was started for (its time zone dates the pages). */
  tenantId: string;
  /** What the flow ends with: a new password, or an unlock (the pages word themselves for it; decoys keep theirs too). */
  purpose: 'reset' | 'unlock';
}

/** What a first proof may be, named by kind only: the same for every account (nothing here is about the person). */
const FIRST_PROOF_METHODS: readonly ProofChoice[] = FIRST_PROOF_KINDS.map((method) => ({ method, label: KIND_LABEL }));

/**
 * The reset flow: start → emailed code → verify → new password → done.
 * Every step loads the flow, asks the transition table, saves with an optimistic version check,
 * and only then lets side effects out (audit entry and outbox message ride in the same transaction).
 */
export class ResetFlow {
  private readonly proofs: ResetProofs;
  private readonly steps: FlowSteps;
  private readonly completion: FlowCompletion;
  private readonly sms: ResetSms;
  private readonly judge: ProofJudge;

  constructor(private readonly deps: ResetFlowDeps) {
    this.proofs = new ResetProofs(deps);
    this.steps = new FlowSteps(deps);
    this.judge = new ProofJudge(deps, this.steps, this.proofs);
    this.sms = new ResetSms(deps, this.steps);
    this.completion = new FlowCompletion({ ...deps, delay: deps.delay ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))) }, this.steps);
  }

  /**
   * Starts a flow for an identifier: `purpose: 'reset'` (default) ends with a new password, `'unlock'` with the
   * account unlocked. Unknown, disabled, excluded or unreachable accounts get a decoy flow that looks the same.
   * `lang`: the language the person started in (the page's), kept on the flow for its messages.
   */
  async start(input: { tenantId: string; identifier: string; client: ClientInfo; purpose?: FlowPurpose; lang?: string; proofOfWork?: { solution?: string; waitTicket?: string }; device?: string }): Promise<StartedReset> {
    const { directory, tenants, keys, limiter, clock, settings } = this.deps;
    const purpose = input.purpose ?? 'reset';
    const identifier = resetIdentifier(input.identifier);
    const tenantId = input.tenantId;
    // The buckets that need no lookup first, so floods cost the flooder before they cost the directory.
    await this.steps.enforce([['start_ip', input.client.ip], ['start_tenant', tenantId]], tenantId, null, input.client);
    // A start without a proof while every start needs one (always, attack mode) goes no further: the cheap refusal.
    await this.deps.proofOfWork?.refuseUnproven({ tenantId, client: input.client, ...input.proofOfWork });
    // Risk before any lookup (address, tenant, attack mode: the same for every identifier), then the proof-of-work
    // gate it may close: neither answer can depend on whether the account exists.
    const device = validDevice(input.device);
    const before = this.deps.risk ? await this.deps.risk.beforeLookup({ tenantId, client: input.client, device }) : allowDecision();
    await this.deps.proofOfWork?.check({ tenantId, client: input.client, before, ...input.proofOfWork });

    const tenant = tenants.get(tenantId);
    const account = tenant ? await directory.findByIdentifier(tenantId, identifier) : null;
    // Per account, not per spelling: the resolved account's id, or the identifier when nothing matched
    // (one limiter call either way, after the same lookup).
    const accountKey = accountLimitKey(account, identifier);
    await this.steps.enforce([['start_identifier', `${tenantId}:${accountKey}`]], tenantId, null, input.client);
    // The account's own signals, read the same way for an unknown identifier (no history: the same queries).
    const risk = this.deps.risk ? await this.deps.risk.afterLookup({ tenantId, client: input.client, device, account, accountKey, before }) : null;
    // Extra confirmed addresses are looked up for every identifier (none for a missing account): the same work.
    const extra = await contactEmails(this.deps.methods, { tenantId, id: account?.id ?? '' });
    // Who gets a real flow, where the code goes, whether a link rides along: one pure decision (the policy simulation's too).
    // Paused by a confirmed "this wasn't me" report: a decoy like any refusal. Asked for every identifier alike (the same work).
    const held = (await this.deps.holds?.isHeld(tenantId, account?.id ?? '')) ?? false;
    const { refusal, addresses, linkAllowed } = startEligibility({ tenantId, account, policyFor: this.deps.policyFor, extraEmails: extra.map((m) => String(m.data.email)), purpose, held, riskDenied: risk?.action === 'deny' });
    const eligible = refusal === null ? account : null;
    // A start the risk engine denied is the person's (the decoy answer hides it, the audit need not): their console page shows it.
    const riskDeniedSubject = refusal === 'risk_denied' ? (account?.id ?? null) : null;
    // An attempt on a privileged or service account: the same decoy, but audited and counted as suspicious.
    const suspicious = isSuspicious(refusal);

    // From here on both paths do the same work: a code is made and hashed for a decoy too,
    // and a send-limit bucket is spent, so neither time nor limits tell accounts apart.
    const now = clock.now();
    const flowId = newFlowHandle();
    const flow: ResetFlowRecord = {
      id: newId(),
      handleHash: hashHandle(flowId),
      tenantId,
      subjectId: eligible?.id ?? null,
      decoy: eligible === null,
      supersedeKey: eligible ? eligible.id : `decoy:${identifier}`,
      rateKey: accountKey,
      state: 'awaiting_code',
      codeHash: null,
      codeKeyId: null,
      attempts: 0,
      proven: [],
      smsCodeHash: null,
      smsCodeKeyId: null,
      smsMethodId: null,
      smsCodeExpiresAt: null,
      linkHash: null,
      purpose,
      // A set lookup on the account already in hand; later steps read the flag from the flow.
      canary: eligible !== null && (this.deps.canaries ?? NO_CANARIES).has(eligible),
      // The page's language: this flow's mails, SMS and closing notice are written in it.
      lang: input.lang ?? null,
      // The start's risk decision, enforced by later steps (step-up, hold); the device as an HMAC only.
      risk,
      riskDevice: device ? deviceHash(keys, tenantId, eligible?.id ?? '', device) : null,
      expiresAt: new Date(now.getTime() + settings.codeTtlSeconds * 1000),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const code = newNumericCode(settings.codeDigits);
    const mac = keys.mac('code-hmac', codeMessage(flow.id, code));
    flow.codeHash = mac.digest;
    flow.codeKeyId = mac.keyId;
    // The same mail carries a link when the policy allows links (a decoy asks the tenant's defaults).
    const linkToken = linkAllowed ? newFlowHandle() : null;
    flow.linkHash = linkToken ? hashHandle(linkToken) : null;
    const suppressed = new Set<string>();
    for (const address of eligible ? addresses : [`decoy:${identifier}`]) {
      const key = eligible ? `${tenantId}:${normalizeIdentifier(address)}` : `decoy:${tenantId}:${accountKey}`;
      if (await firstExhausted(limiter, [['send_destination', key]])) suppressed.add(address);
    }
    const content = { code, linkToken, purpose, tenantName: tenant?.name ?? tenantId, expiresInMinutes: Math.round(settings.codeTtlSeconds / 60) };

    await this.steps.transactionAsOnlyLive(async (tx) => {
      // A real and a decoy start both end the flow they replace; an old decoy flow id dies like a real one.
      await tx.flows.supersedeActive(tenantId, flow.supersedeKey, now);
      await tx.flows.insert(flow);
      await tx.audit.append(
        selfEntry('reset.started', eligible ? 'success' : 'decoy', tenantId, eligible?.id ?? riskDeniedSubject, flow.id, input.client,
          eligible ? flowDetails(flow, { channel: 'email', purpose, ...riskDetails(risk) }) : { identifier, reason: refusal, purpose, ...(suspicious ? { suspicious: true } : {}), ...riskDetails(risk) }),
      );
      if (eligible) await enqueueResetMails(tx, { flow, account: eligible, addresses, suppressed, content, client: input.client });
      else await enqueueDecoyMail(tx, flow, identifier, content);
    });
    this.deps.observer.observe('reset.started', { tenantId, outcome: eligible ? 'success' : 'decoy', canary: flow.canary, ...(suspicious ? { suspicious: refusal } : {}) });
    return { flowId, next: 'verify_code', expiresAt: flow.expiresAt };
  }

  /**
   * Where the flow stands (for the portal and `GET /reset/{flowId}`; decoys look like real flows), and the
   * methods the next proof may use. Before any proof that list is the tenant's, the same for every
   * identifier; after one it is the person's own, masked.
   */
  async view(flowId: string): Promise<FlowView> {
    const flow = await this.steps.load(flowId);
    const next = NEXT_STEP[flow.state as keyof typeof NEXT_STEP] as FlowView['next'];
    let methods: ProofChoice[] = [];
    if (flow.state === 'awaiting_code') {
      const allowed = this.deps.policyFor(flow.tenantId).defaults.allowedMethods;
      methods = FIRST_PROOF_METHODS.filter((m) => allowed.includes(m.method));
    } else if (flow.state === 'awaiting_second_proof' && flow.subjectId) {
      const account = await this.deps.directory.findById(flow.tenantId, flow.subjectId);
      if (account) methods = await this.proofs.secondProofChoices(account, await this.proofs.decisionFor(account, flow), flow.proven, flow);
    }
    const view: FlowView = { next, expiresAt: flow.expiresAt, attemptsLeft: this.deps.settings.maxCodeAttempts - flow.attempts, methods, tenantId: flow.tenantId, purpose: flow.purpose };
    if (flow.state === 'awaiting_password' && flow.subjectId && this.deps.directory.passwordRules) {
      // Only a proven person gets here: their directory's own rules, so its refusals do not come as a surprise.
      const account = await this.deps.directory.findById(flow.tenantId, flow.subjectId);
      view.directoryRules = account ? await this.deps.directory.passwordRules(account).catch(() => null) : null;
    }
    return view;
  }

  /**
   * Options for a passkey proof (`navigator.credentials.get()`), with a fresh single-use challenge bound to
   * the flow. `allowCredentials` is always empty (discoverable credentials) and decoy flows get a real
   * challenge too, so the answer is the same whether the account exists or has passkeys (SECURITY.md,
   * enumeration). The IP bucket of verification is spent: options cost a database write.
   */
  async passkeyOptions(input: { flowId: string; client: ClientInfo }): Promise<WebAuthnOptionsJson> {
    await this.steps.enforce([['verify_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.load(input.flowId);
    if (flow.state !== 'awaiting_code' && flow.state !== 'awaiting_second_proof') throw new UnlatchError('flow_wrong_step');
    if (!this.deps.passkeys) throw new UnlatchError('not_found');
    return this.deps.passkeys.authenticationOptions('reset', flow.id, []);
  }

  /** Texts a code for the second proof to one of the person's phones (see ResetSms). */
  sendSmsCode(input: { flowId: string; methodId: string; client: ClientInfo }): Promise<SmsCodeSent> {
    return this.sms.send(input);
  }

  async verifyCode(input: ProofInput & { flowId: string; client: ClientInfo }): Promise<VerifyCodeResult> {
    const method = input.method ?? 'email_code';
    // The IP bucket comes before any lookup, so scanning flow ids costs the scanner, not the database.
    await this.steps.enforce([['verify_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.load(input.flowId, { client: input.client, method });
    return this.judge.judge(flow, { ...input, method }, input.client, {});
  }

  /**
   * Confirms an emailed link (the POST from the page its GET shows: mail scanners that only open links
   * spend nothing). The link's token finds the flow; on success the flow gets a NEW handle, returned
   * here, and the old one stops working: the reset goes on in the browser that confirmed the link.
   * A spent, expired or unknown link is `flow_invalid`, like an unknown flow id.
   */
  async confirmEmailLink(input: { token: string; client: ClientInfo }): Promise<{ flowId: string; result: VerifyCodeResult }> {
    await this.steps.enforce([['verify_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.loadByLink(input.token, { client: input.client, method: 'email_link' });
    const flowId = newFlowHandle();
    const result = await this.judge.judge(flow, { method: 'email_link', token: input.token }, input.client, { handleHash: hashHandle(flowId) });
    return { flowId, result };
  }

  /** Whether an emailed link can still be confirmed, for the page its GET shows (nothing is spent). */
  async emailLinkLive(token: string): Promise<boolean> {
    try {
      await this.steps.loadByLink(token);
      return true;
    } catch {
      return false;
    }
  }

  /** The new password of a reset flow whose proofs are complete (see FlowCompletion). */
  setPassword(input: { flowId: string; password: string; client: ClientInfo }): Promise<SetPasswordResult> {
    return this.completion.setPassword(input);
  }

  /** Writes the audit summaries of folded refusals whose window has closed (`all` at shutdown); how many were written. */
  writeRefusalSummaries(all = false): Promise<number> {
    return this.steps.writeRefusalSummaries(all);
  }

  /** Unlocks the account of an unlock flow whose proofs are complete (see FlowCompletion). */
  unlock(input: { flowId: string; client: ClientInfo }): Promise<{ ok: true; next: 'done'; wasLocked: boolean }> {
    return this.completion.unlock(input);
  }
}

/** The start's risk decision as its audit entry keeps it: score, action, and each reason's code, points and detail. */
function riskDetails(risk: RiskDecision | null): { risk?: { score: number; action: string; reasons: RiskSignal[] } } {
  return risk ? { risk: { score: risk.score, action: risk.action, reasons: risk.reasons } } : {};
}
