import { actorOf } from '../admin/operator.js';
import { languageMark } from '../i18n/language-match.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { newId, newNumericCode } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import type { MethodVerifier } from '../methods/method-verifier.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { HelpdeskCheck, HelpdeskCheckRepository } from '../ports/helpdesk.js';
import type { Limiter } from '../ports/limiter.js';
import type { MethodRepository } from '../ports/methods.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { SmsSender } from '../sms/sms-sender.js';
import { checkOptions, type CheckOption } from './check-options.js';
import { helpdeskEntry, type HelpdeskAgent } from './helpdesk-entry.js';
import { consumeCheckLimits } from './check-limits.js';
import { HELPDESK_CODE_DIGITS, type HelpdeskSettings } from './helpdesk-settings.js';
import { parseTicket } from './ticket.js';

export interface CallerCheckDeps {
  store: Store;
  checks: HelpdeskCheckRepository;
  methods: MethodRepository;
  verifier: MethodVerifier;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  limiter: Limiter;
  /** Absent when no SMS provider is configured: phones are then not offered. */
  sms: SmsSender | null;
  policyFor: (tenantId: string) => TenantPolicy;
  settings: HelpdeskSettings;
}

/** How an answer went. `failed` ends the check (too many wrong answers): the agent starts another. */
export type CheckAnswer = { ok: true; check: HelpdeskCheck } | { ok: false; reason: 'wrong' | 'expired' | 'used' | 'replayed' | 'attempts'; failed: boolean };

/** The message a code sent for a check is MAC'd over: bound to that check, so its digits mean nothing elsewhere. */
export function helpdeskCodeMessage(checkId: string, code: string): string {
  return `helpdesk:${checkId}:${code}`;
}

/**
 * Checking a caller, as an agent: choose one of the person's registered methods, then type what the caller
 * reads out. A code is sent to a phone or address (SMS, or mail through the outbox) for the sms and email
 * checks; an authenticator check takes the app's current code (replay-safe: a step counts once); a backup
 * code check spends the code read out. Every start and answer counts against the per-agent and per-person
 * limits, and is audited with the agent, the method, the outcome and the ticket — never a code.
 */
export class CallerChecks {
  constructor(private readonly deps: CallerCheckDeps) {}

  /** The checks this person's registered methods allow. */
  async options(account: DirectoryAccount): Promise<CheckOption[]> {
    const decision = decidePolicy(this.deps.policyFor(account.tenantId), account);
    const registered = await this.deps.methods.listForSubject(account.tenantId, account.id);
    return checkOptions(account, decision, registered, this.deps.sms !== null);
  }

  /** The agent's newest live check of the person (passed and valid, or pending); null when none. */
  current(agent: HelpdeskAgent, account: DirectoryAccount): Promise<HelpdeskCheck | null> {
    return this.deps.checks.current(account.tenantId, account.id, actorOf(agent.operator), this.deps.clock.now());
  }

  /** Begins a check with `methodId` for `ticket`: sends the code where the method needs one. */
  async start(agent: HelpdeskAgent, account: DirectoryAccount, input: { ticket: unknown; methodId: unknown }): Promise<HelpdeskCheck> {
    const ticket = parseTicket(input.ticket);
    const option = (await this.options(account)).find((o) => o.methodId === input.methodId);
    if (!option) throw new UnlatchError('invalid_request', { field: 'method', reason: 'not_offered' });
    await consumeCheckLimits(this.deps, agent, account, ticket, 'helpdesk.check_started', { kind: option.kind, methodId: option.methodId });
    const { clock, settings, keys, tenants } = this.deps;
    const now = clock.now();
    const id = newId();
    const expiresAt = new Date(now.getTime() + settings.codeTtlMinutes * 60_000);
    const code = option.destination ? newNumericCode(HELPDESK_CODE_DIGITS) : null;
    if (option.kind === 'sms_code' && option.destination) {
      const admission = await this.deps.sms!.admit({ tenantId: account.tenantId, to: option.destination });
      if (!('admitted' in admission)) {
        await this.deps.store.transaction((tx) => tx.audit.append(helpdeskEntry(agent, 'helpdesk.check_started', 'denied', account, ticket, { kind: option.kind, methodId: option.methodId, reason: admission.reason })));
        throw new UnlatchError('rate_limited', { retryAfterSeconds: 'retryAfterSeconds' in admission ? admission.retryAfterSeconds : 60, reason: admission.reason });
      }
    }
    const mac = code ? keys.mac('code-hmac', helpdeskCodeMessage(id, code)) : null;
    const check: HelpdeskCheck = {
      id, tenantId: account.tenantId, subjectId: account.id, agent: actorOf(agent.operator), ticket, kind: option.kind, methodId: option.methodId,
      state: 'pending', codeHash: mac?.digest ?? null, codeKeyId: mac?.keyId ?? null, attempts: 0, createdAt: now, expiresAt, passedAt: null, validUntil: null,
    };
    await this.deps.store.transaction(async (tx) => {
      await this.deps.checks.insert(tx, check);
      if (code && option.destination) {
        const data = { code, tenantName: tenants.get(account.tenantId)?.name ?? account.tenantId, expiresInMinutes: settings.codeTtlMinutes, purpose: 'helpdesk', displayName: account.displayName ?? account.username, ...languageMark(account.preferredLanguage) };
        await tx.outbox.enqueue({
          channel: option.kind === 'sms_code' ? 'sms' : 'email', template: option.kind === 'sms_code' ? 'sms_code' : 'address_code',
          tenantId: account.tenantId, to: option.destination, data, idempotencyKey: `helpdesk_code:${id}`, subjectId: account.id,
        });
      }
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.check_started', 'success', account, ticket, { kind: option.kind, methodId: option.methodId, checkId: id }));
    });
    return check;
  }

  /** Takes the caller's answer to the agent's pending check `checkId`. */
  async answer(agent: HelpdeskAgent, account: DirectoryAccount, input: { checkId: string; code: unknown }): Promise<CheckAnswer> {
    const { checks, clock, settings, store } = this.deps;
    const check = await checks.get(account.tenantId, input.checkId);
    if (!check || check.subjectId !== account.id || check.agent !== actorOf(agent.operator) || check.state !== 'pending') throw new UnlatchError('not_found');
    const code = typeof input.code === 'string' ? input.code.normalize('NFKC').replace(/[\s-]+/g, '') : '';
    if (code === '' || code.length > 64) throw new UnlatchError('invalid_request', { field: 'code', reason: 'missing' });
    const details = { kind: check.kind, methodId: check.methodId, checkId: check.id };
    await consumeCheckLimits(this.deps, agent, account, check.ticket, 'helpdesk.checked', details);
    const attempts = await checks.spendAttempt(account.tenantId, check.id, settings.maxCodeAttempts);
    const now = clock.now();
    const verdict = attempts === null ? 'attempts' : check.expiresAt <= now ? 'expired' : await this.verify(check, account, code);
    if (verdict === 'ok') {
      const validUntil = new Date(now.getTime() + settings.checkValidMinutes * 60_000);
      const passed = await store.transaction(async (tx) => {
        if (!(await checks.pass(tx, account.tenantId, check.id, now, validUntil))) return false;
        await tx.audit.append(helpdeskEntry(agent, 'helpdesk.checked', 'success', account, check.ticket, { ...details, attempts, validUntil: validUntil.toISOString() }));
        return true;
      });
      if (!passed) throw new UnlatchError('conflict');
      return { ok: true, check: { ...check, state: 'passed', passedAt: now, validUntil, codeHash: null } };
    }
    // The last allowed wrong answer, or an expired code, ends the check: the agent starts another (which counts against the limits).
    const failed = verdict === 'attempts' || verdict === 'expired' || (attempts ?? settings.maxCodeAttempts) >= settings.maxCodeAttempts;
    await store.transaction(async (tx) => {
      if (failed) await checks.fail(tx, account.tenantId, check.id);
      await tx.audit.append(helpdeskEntry(agent, 'helpdesk.checked', 'failure', account, check.ticket, { ...details, reason: verdict, attempts }));
    });
    return { ok: false, reason: verdict, failed };
  }

  private async verify(check: HelpdeskCheck, account: DirectoryAccount, code: string): Promise<'ok' | 'wrong' | 'used' | 'replayed'> {
    if (check.kind === 'totp' || check.kind === 'backup_code') {
      const proof = await this.deps.verifier.verify(account, check.kind, code);
      if (proof.ok) return 'ok';
      return proof.reason === 'used' || proof.reason === 'replayed' ? proof.reason : 'wrong';
    }
    const { keys } = this.deps;
    // The MAC is checked whatever the code looks like, so a malformed code takes as long as a wrong one.
    const matches = keys.verifyMac('code-hmac', check.codeKeyId ?? keys.currentId, helpdeskCodeMessage(check.id, code), check.codeHash ?? '');
    return matches && new RegExp(`^[0-9]{${HELPDESK_CODE_DIGITS}}$`).test(code) ? 'ok' : 'wrong';
  }
}
