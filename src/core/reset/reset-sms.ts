import { selfEntry } from '../audit/self-entry.js';
import { languageMark } from '../i18n/language-match.js';
import { canaryMark, flowDetails } from './canary-accounts.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { newNumericCode } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { DIRECTORY_PHONE_ID, directoryPhoneOf } from '../methods/directory-contacts.js';
import { smsCodeMessage } from '../methods/sms_code/code-binding.js';
import { nextProofNeeded, type PolicyDecision, type TenantPolicy } from '../policy/method-policy.js';
import { personDecision } from './person-decision.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { FlowObserver } from '../ports/flow-observer.js';
import type { MethodRepository } from '../ports/methods.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { FlowSteps } from './flow-steps.js';
import type { SmsCodeSent } from './proof-types.js';
import type { ResetFlowRecord } from './reset-flow-record.js';
import type { ResetSettings } from './reset-settings.js';

export interface ResetSmsDeps {
  directory: Directory;
  methods: MethodRepository;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  observer: FlowObserver;
  settings: ResetSettings;
  policyFor: (tenantId: string) => TenantPolicy;
  sms?: SmsSender | null;
}

/** Codes texted for a reset's second proof. */
export class ResetSms {
  constructor(
    private readonly deps: ResetSmsDeps,
    private readonly steps: FlowSteps,
  ) {}

  /**
   * Texts a code for the second proof to one of the person's registered phones (`methodId`, as offered in the
   * choices). Only at `awaiting_second_proof` — a first proof by SMS would need the masked numbers before any
   * proof (an enumeration oracle) or a text to every account's phone. A newer code replaces the previous one.
   * The SMS limits are checked now: a refusal is audited as `reset.send_suppressed` and answered like a send.
   * Wrong codes count against the flow's attempts like any other proof.
   */
  async send(input: { flowId: string; methodId: string; client: ClientInfo }): Promise<SmsCodeSent> {
    const { clock, settings, keys } = this.deps;
    await this.steps.enforce([['verify_ip', input.client.ip]], null, null, input.client);
    const flow = await this.steps.load(input.flowId);
    if (flow.state !== 'awaiting_second_proof') throw new UnlatchError('flow_wrong_step');
    await this.steps.enforce([['verify_identifier', this.steps.limitKey(flow)]], flow.tenantId, flow, input.client);
    const sms = this.deps.sms;
    const account = flow.subjectId && !flow.decoy ? await this.deps.directory.findById(flow.tenantId, flow.subjectId) : null;
    const decision = account ? (await personDecision(this.deps, account, flow.risk)).decision : null;
    const needed = decision ? nextProofNeeded(decision, flow.proven) : null;
    const phone = account && decision ? await this.registeredPhone(account, decision, input.methodId) : null;
    // This person has proven one method already: an unusable choice is simply not found.
    if (!sms || !account || !phone || !needed || needed.done || !needed.allowed.includes('sms_code')) throw new UnlatchError('not_found');
    const now = clock.now();
    const expiresAt = new Date(Math.min(flow.expiresAt.getTime(), now.getTime() + settings.codeTtlSeconds * 1000));
    const admission = await sms.admit({ tenantId: flow.tenantId, to: phone });
    if (!('admitted' in admission)) {
      // The same answer as a send: the person waits for a text that does not come, and can choose another method.
      await this.steps.auditAlone(selfEntry('reset.send_suppressed', 'denied', flow.tenantId, account.id, flow.id, input.client,
        flowDetails(flow, { channel: 'sms', reason: admission.reason, ...('limit' in admission ? { limit: admission.limit } : {}) })));
      this.deps.observer.observe('reset.send_suppressed', { tenantId: flow.tenantId, outcome: 'denied', reason: admission.reason, canary: flow.canary });
      return { next: 'verify_second', expiresAt };
    }
    const code = newNumericCode(settings.codeDigits);
    const mac = keys.mac('code-hmac', smsCodeMessage(flow.id, code));
    const next: ResetFlowRecord = { ...flow, smsCodeHash: mac.digest, smsCodeKeyId: mac.keyId, smsMethodId: input.methodId, smsCodeExpiresAt: expiresAt, updatedAt: now, version: flow.version + 1 };
    await this.steps.save(flow, next, [], async (tx) => {
      await tx.outbox.enqueue({
        channel: 'sms',
        template: 'sms_code',
        tenantId: flow.tenantId,
        to: phone,
        data: { code, tenantName: this.deps.tenants.get(flow.tenantId)?.name ?? flow.tenantId, expiresInMinutes: Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000)), purpose: 'reset', ...canaryMark(flow.canary), ...languageMark(flow.lang, account.preferredLanguage) },
        idempotencyKey: `sms_code:${flow.id}:${next.version}`,
        flowId: flow.id,
        subjectId: account.id,
      });
    });
    return { next: 'verify_second', expiresAt };
  }

  /** The number behind one of the person's phone choices: a confirmed `sms_code` method, or the directory's own (when trusted). */
  private async registeredPhone(account: DirectoryAccount, decision: PolicyDecision, methodId: string): Promise<string | null> {
    if (methodId === DIRECTORY_PHONE_ID) return directoryPhoneOf(account, decision);
    const method = await this.deps.methods.get(account.tenantId, methodId);
    if (!method || method.subjectId !== account.id || method.kind !== 'sms_code' || !method.confirmed) return null;
    return typeof method.data.phone === 'string' ? method.data.phone : null;
  }
}
