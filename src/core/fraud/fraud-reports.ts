import { selfEntry } from '../audit/self-entry.js';
import { actorOf, type Operator } from '../admin/operator.js';
import { operatorEntry } from '../audit/operator-entry.js';
import { hashHandle, newId } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { FraudLabel, FraudStore } from '../ports/fraud.js';
import type { Limiter } from '../ports/limiter.js';
import type { Store } from '../ports/store.js';
import { MAX_FRAUD_TOKEN } from './fraud-settings.js';

export interface FraudReportsDeps {
  store: Store;
  fraud: FraudStore;
  limiter: Limiter;
  clock: Clock;
  /** The security mailboxes alerted on a report (`security.alertEmails`); may be empty. */
  alertEmails: readonly string[];
  tenantName: (tenantId: string) => string;
}

/** What an operator labels: an audit entry's flow or change, on one tenant. */
export interface LabelInput {
  operator: Operator;
  client: ClientInfo;
  tenantId: string;
  label: FraudLabel;
  /** The audit entry the label is about (its id and event go into the `fraud.labelled` entry). */
  entry: { id: string; event: string; subjectId: string | null; flowId: string | null };
  /** Also end the account's self-service hold (an operator checked: it was the person after all). */
  release: boolean;
}

/**
 * SLI M3 from both sides: a person's confirmed "this wasn't me" (the link in every notice) and an operator's
 * label in the console. A report pauses self-service for the account, ends its live resets, labels the flow as
 * fraud, audits `fraud.reported` and mails the security mailboxes — all in one transaction.
 */
export class FraudReports {
  constructor(private readonly deps: FraudReportsDeps) {}

  /**
   * Confirms a report (the POST of the link's page). Unknown, spent and expired tokens do nothing and answer
   * the same (false here, one page for all), so the page is no oracle for tokens or accounts. Per IP limited.
   */
  async confirm(input: { token: string; client: ClientInfo }): Promise<boolean> {
    const denied = await firstExhausted(this.deps.limiter, [['fraud_report_ip', input.client.ip]]);
    if (denied) throw rateLimitedError(denied.retryAfterSeconds);
    const token = input.token.trim();
    if (token === '' || token.length > MAX_FRAUD_TOKEN) return false;
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const link = await this.deps.fraud.spendLink(tx, hashHandle(token), now);
      if (!link) return false;
      const { tenantId, subjectId, flowId } = link;
      await this.deps.fraud.hold(tx, { tenantId, subjectId, reason: 'fraud_report', flowId, createdAt: now });
      // A reset someone else has going for the account dies now: the hold only stops new ones.
      await tx.flows.supersedeActive(tenantId, subjectId, now);
      await this.deps.fraud.addLabel(tx, { id: newId(), tenantId, subjectId, flowId, label: 'fraud', source: 'person', actor: 'self', createdAt: now });
      const alerted = this.deps.alertEmails;
      await tx.audit.append(selfEntry('fraud.reported', 'success', tenantId, subjectId, flowId, input.client, { event: link.event, noticeAt: link.createdAt.toISOString(), alerted: alerted.length }));
      for (const [index, to] of alerted.entries()) {
        await tx.outbox.enqueue({
          channel: 'email',
          template: 'fraud_alert',
          tenantId,
          to,
          // The operators' mail names the account (they act on it) and the notice; never the token.
          data: { tenantId, tenantName: this.deps.tenantName(tenantId), subjectId, event: link.event, when: now.toISOString() },
          idempotencyKey: `fraud_alert:${link.tokenHash}:${index}`,
          flowId,
          subjectId,
        });
      }
      return true;
    });
  }

  /** Whether self-service is paused for the account (a reset start asks, for every identifier alike). */
  isHeld(tenantId: string, subjectId: string): Promise<boolean> {
    return this.deps.fraud.isHeld(tenantId, subjectId);
  }

  /** An operator's label of a flow or change (`fraud.labelled`), optionally ending the account's hold in the same transaction. */
  async label(input: LabelInput): Promise<{ released: boolean }> {
    const { entry, tenantId } = input;
    if (input.release && !entry.subjectId) throw new UnlatchError('invalid_request', { field: 'release' });
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      await this.deps.fraud.addLabel(tx, {
        id: newId(), tenantId, subjectId: entry.subjectId, flowId: entry.flowId, label: input.label, source: 'operator', actor: actorOf(input.operator), createdAt: now,
      });
      const released = input.release && entry.subjectId ? await this.deps.fraud.release(tx, tenantId, entry.subjectId) : false;
      await tx.audit.append({
        ...operatorEntry(input.operator, input.client, { event: 'fraud.labelled', outcome: 'success', tenantId, subjectId: entry.subjectId, details: { label: input.label, entryId: entry.id, entryEvent: entry.event, released } }),
        flowId: entry.flowId,
      });
      return { released };
    });
  }

  /** Ends an account's hold without a label (`fraud.hold_released`); false when it was not held. */
  async release(input: { operator: Operator; client: ClientInfo; tenantId: string; subjectId: string }): Promise<boolean> {
    return this.deps.store.transaction(async (tx) => {
      const released = await this.deps.fraud.release(tx, input.tenantId, input.subjectId);
      if (released) {
        await tx.audit.append(operatorEntry(input.operator, input.client, { event: 'fraud.hold_released', outcome: 'success', tenantId: input.tenantId, subjectId: input.subjectId, details: { reason: 'fraud_report' } }));
      }
      return released;
    });
  }
}
