import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FraudMetrics } from '../../src/adapters/observability/fraud-metrics.js';
import { hashHandle } from '../../src/core/crypto/secrets.js';
import { REPORT_LINK_TTL_SECONDS } from '../../src/core/fraud/fraud-settings.js';
import { parseRating } from '../../src/core/fraud/friction-ratings.js';
import { REPORTABLE_TEMPLATES, reportLinkFor } from '../../src/core/fraud/report-link.js';
import type { OutboxMessageInput } from '../../src/core/ports/outbox.js';
import { resetRefusal } from '../../src/core/reset/reset-eligibility.js';
import { DEFAULT_TENANT_POLICY } from '../../src/core/policy/method-policy.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const notice = (over: Partial<OutboxMessageInput> = {}): OutboxMessageInput => ({
  channel: 'email', template: 'password_changed', tenantId: 'demo', to: 'bob@example.com', data: { displayName: 'Bob' },
  idempotencyKey: 'k', flowId: 'flow-1', subjectId: 'user-1', ...over,
});

describe('the "this wasn\'t me" link of a notice', () => {
  it('gives every email notice about an account a fresh token, keeping only its SHA-256 and what it is about', () => {
    for (const template of REPORTABLE_TEMPLATES) {
      const linked = reportLinkFor(notice({ template }), NOW)!;
      const token = linked.message.data.reportToken as string;
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(linked.link).toEqual({
        tokenHash: hashHandle(token), tenantId: 'demo', subjectId: 'user-1', flowId: 'flow-1', event: template,
        createdAt: NOW, expiresAt: new Date(NOW.getTime() + REPORT_LINK_TTL_SECONDS * 1000),
      });
      // The record never holds the token itself; the message keeps its other data.
      expect(JSON.stringify(linked.link)).not.toContain(token);
      expect(linked.message.data.displayName).toBe('Bob');
    }
    const a = reportLinkFor(notice(), NOW)!.message.data.reportToken;
    const b = reportLinkFor(notice(), NOW)!.message.data.reportToken;
    expect(a).not.toBe(b);
  });

  it('gives none to codes, reminders, SMS, decoys, alerts, or a notice without an account', () => {
    expect(reportLinkFor(notice({ template: 'reset_code' }), NOW)).toBeNull();
    expect(reportLinkFor(notice({ template: 'enrolment_reminder' }), NOW)).toBeNull();
    expect(reportLinkFor(notice({ template: 'fraud_alert' }), NOW)).toBeNull();
    expect(reportLinkFor(notice({ channel: 'sms', template: 'helpdesk_action' }), NOW)).toBeNull();
    expect(reportLinkFor(notice({ decoy: true }), NOW)).toBeNull();
    expect(reportLinkFor(notice({ subjectId: null }), NOW)).toBeNull();
  });

  it('makes a held account a refusal like any other (a decoy flow), after the unknown and disabled checks', () => {
    const policyFor = () => DEFAULT_TENANT_POLICY;
    const account = { tenantId: 'demo', enabled: true, groups: [] };
    expect(resetRefusal(account, policyFor, true, 'reset')).toBeNull();
    expect(resetRefusal(account, policyFor, true, 'reset', true)).toBe('held');
    expect(resetRefusal(account, policyFor, true, 'unlock', true)).toBe('held');
    expect(resetRefusal(null, policyFor, true, 'reset', true)).toBe('unknown_account');
    expect(resetRefusal({ ...account, enabled: false }, policyFor, true, 'reset', true)).toBe('disabled');
  });
});

describe('fraud labels and ratings as metrics', () => {
  it('counts a person\'s report and an operator\'s labels, and nothing else', async () => {
    const registry = new Registry();
    const metrics = new FraudMetrics(registry);
    const entry = { tenantId: 'demo', actor: 'self', outcome: 'success' as const };
    metrics.auditCommitted({ ...entry, event: 'fraud.reported' });
    metrics.auditCommitted({ ...entry, event: 'fraud.labelled', details: { label: 'legitimate' } });
    metrics.auditCommitted({ ...entry, event: 'fraud.labelled', details: { label: 'fraud' } });
    metrics.auditCommitted({ ...entry, event: 'fraud.labelled', details: { label: 'maybe' } });
    metrics.auditCommitted({ ...entry, event: 'reset.completed' });
    metrics.rated({ tenantId: 'demo', flow: 'reset', rating: 4 });
    metrics.rated({ tenantId: 'demo', flow: 'change', rating: 9 });
    const text = await registry.metrics();
    expect(text).toContain('unlatch_fraud_labels_total{tenant="demo",source="person",label="fraud"} 1');
    expect(text).toContain('unlatch_fraud_labels_total{tenant="demo",source="operator",label="legitimate"} 1');
    expect(text).toContain('unlatch_fraud_labels_total{tenant="demo",source="operator",label="fraud"} 1');
    expect(text).not.toContain('maybe');
    expect(text).toContain('unlatch_friction_rating_total{tenant="demo",flow="reset",rating="4"} 1');
    expect(text).not.toContain('flow="change"');
  });

  it('takes a rating of 1 to 5 only', () => {
    expect(['1', '2', '3', '4', '5'].map(parseRating)).toEqual([1, 2, 3, 4, 5]);
    for (const bad of ['', '0', '6', '3.0', ' 3', '33', 'x']) expect(parseRating(bad)).toBeNull();
  });
});
