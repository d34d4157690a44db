import type { DirectoryRouter } from '../directory/directory-router.js';
import type { SqlStore } from '../store/sql-store.js';
import type { AuditSinkSet } from '../audit/audit-sink-set.js';
import type { Mailer } from '../../core/ports/mailer.js';
import type { SmsSender } from '../../core/sms/sms-sender.js';
import type { ResetFlow } from '../../core/reset/reset-flow.js';
import type { PasswordChange } from '../../core/change/password-change.js';
import { traced } from './tracing-spans.js';

/*
 * Which calls get a span, decided once at composition. With tracing off each function hands back its argument untouched,
 * so the hot path runs exactly as before. Span names are stable (dashboards and tail-sampling rules use them); no
 * attribute names a person.
 */

/** Directory calls: lookups, password checks and writes, unlocks. */
export function traceDirectory(directory: DirectoryRouter, on: boolean): DirectoryRouter {
  return on ? traced(directory, {
    findByIdentifier: 'directory.find', findById: 'directory.find_by_id', verifyPassword: 'directory.verify_password',
    preparePasswordWrite: 'directory.set_password', changePassword: 'directory.change_password', unlock: 'directory.unlock',
    passwordRules: 'directory.password_rules', tenantPasswordRules: 'directory.tenant_password_rules', accountDetails: 'directory.account_details', searchPeople: 'directory.search',
  }, { 'peer.service': 'directory' }) : directory;
}

/** SQL: the store's transaction boundary (each holds the audit entry and outbox rows of one step). */
export function traceStore(store: SqlStore, on: boolean): SqlStore {
  return on ? traced(store, { transaction: 'db.transaction' }, { 'db.operation.name': 'transaction' }) : store;
}

/** Mail handed to the next hop (SMTP, or the dev outbox in dev mode). */
export function traceMailer<M extends Mailer>(mailer: M, on: boolean): M {
  return on ? traced(mailer, { send: 'mail.send' } as Partial<Record<keyof M & string, string>>) : mailer;
}

/** SMS through the configured providers (their HTTP calls). */
export function traceSms(sms: SmsSender | null, on: boolean): SmsSender | null {
  return on && sms ? traced(sms, { send: 'sms.send', deliver: 'sms.send' }) : sms;
}

/** One span per reset step. */
export function traceResetFlow(flow: ResetFlow, on: boolean): ResetFlow {
  return on ? traced(flow, {
    start: 'reset.start', verifyCode: 'reset.verify', setPassword: 'reset.password', unlock: 'reset.unlock',
    sendSmsCode: 'reset.sms_code', confirmEmailLink: 'reset.email_link', passkeyOptions: 'reset.passkey_options',
  }) : flow;
}

/** The password change (knows the old password) as one step. */
export function tracePasswordChange(change: PasswordChange, on: boolean): PasswordChange {
  return on ? traced(change, { change: 'change.password' }) : change;
}

/** Audit entries delivered to a SIEM sink (syslog, HTTPS webhook, file) by the outbox worker. */
export function traceAuditSinks(sinks: AuditSinkSet | null, on: boolean): AuditSinkSet | null {
  return on && sinks ? traced(sinks, { deliver: 'audit_sink.deliver' }) : sinks;
}
