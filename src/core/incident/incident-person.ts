import { isUnlatchError } from '../errors.js';
import { mailboxesOf } from '../methods/email_code/contact-emails.js';
import { languageMark } from '../i18n/language-match.js';
import { directoryPhoneOf } from '../methods/directory-contacts.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { AuditEntryInput } from '../ports/audit.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount, PreparedPasswordWrite } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import type { SessionRepository } from '../ports/sessions.js';
import type { Store, StoreTx } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { IncidentPersonRecord, IncidentRecord, IncidentStore } from './incident-store.js';

/** What one person's forced reset needs. */
export interface IncidentPersonDeps {
  store: Store;
  incidents: IncidentStore;
  directory: Directory;
  sessions: SessionRepository;
  methods: MethodRepository;
  tenants: TenantCatalog;
  policyFor: (tenantId: string) => TenantPolicy;
  clock: Clock;
  /** Whether SMS is configured: then the person's phones are told too (a short text, no link). */
  smsAvailable?: boolean;
}

/** Who runs the job: the audit actor and where from (the console's request, or the CLI's host). */
export interface IncidentActor {
  actor: string;
  client: ClientInfo;
  /** Extra audit details naming how the operator signed in (`operatorVia`), when known. */
  details?: Record<string, unknown>;
}

export type PersonOutcome = 'done' | 'failed' | 'skipped' | 'taken';

/** The reason stored for a failure: the error's code (and its `reason`, when it has one); never a message. */
export function failureReason(error: unknown): string {
  if (!isUnlatchError(error)) return 'internal';
  const detail = typeof error.details?.reason === 'string' ? `:${error.details.reason}` : '';
  return `${error.code}${detail}`.slice(0, 64);
}

/** An incident's audit entry, naming the operator who runs it. */
export function incidentEntry(by: IncidentActor, fields: Pick<AuditEntryInput, 'event' | 'outcome' | 'tenantId' | 'subjectId' | 'details'>): AuditEntryInput {
  return {
    ...fields, actor: by.actor, flowId: null, ip: by.client.ip, userAgent: by.client.userAgent, correlationId: by.client.correlationId,
    details: { ...fields.details, ...by.details },
  };
}

/**
 * One person of an incident, exactly once: read the account fresh, prepare the must-change mark where the
 * directory supports it, then in one store transaction claim the row (a row another run took rolls all back),
 * write the mark (the directory write first: should it fail, nothing else happens and the row stays pending
 * for the failure to be recorded), hold or tighten, end live resets and sessions, audit `incident.person_reset`
 * (the post-reset hooks are derived from it) and queue the notices. A rerun after a crash between the directory
 * write and the commit writes the same mark again: harmless.
 */
export async function resetPerson(deps: IncidentPersonDeps, incident: IncidentRecord, row: IncidentPersonRecord, by: IncidentActor): Promise<PersonOutcome> {
  const { clock, incidents } = deps;
  const account = row.subjectId === null ? null : await deps.directory.findById(incident.tenantId, row.subjectId, { fresh: true });
  if (!account || !account.enabled) {
    await incidents.settle(incident.id, row.seq, 'skipped', account ? 'disabled' : 'not_found', clock.now());
    return 'skipped';
  }
  const supported = deps.directory.requirePasswordChange !== undefined && deps.directory.supportsMustChange?.(account) === true;
  let mark: PreparedPasswordWrite | null = null;
  if (supported) mark = await deps.directory.requirePasswordChange!(account);
  const notes = supported ? null : 'must_change_unsupported';
  const now = clock.now();
  const claimed = await deps.store.transaction(async (tx) => {
    if (!(await incidents.claim(tx, incident.id, row.seq, now, notes))) return false;
    if (mark) await mark.commit(tx);
    if (incident.mode === 'lock') {
      await incidents.hold(tx, { tenantId: incident.tenantId, subjectId: account.id, incidentId: incident.id, createdAt: now, expiresAt: incident.expiresAt });
    } else {
      await incidents.override(tx, incident.tenantId, account.id, { requiredMethods: 2, requireStrong: true, incidentId: incident.id, expiresAt: incident.expiresAt }, now);
    }
    // A reset someone has going (perhaps the attacker) dies now; sessions with the old password end.
    await tx.flows.supersedeActive(incident.tenantId, account.id, now);
    const ended = await deps.sessions.within(tx).revokeAll(incident.tenantId, account.id, now);
    const notices = await noticePerson(deps, tx, account, incident, now);
    await tx.audit.append(incidentEntry(by, {
      event: 'incident.person_reset', outcome: 'success', tenantId: incident.tenantId, subjectId: account.id,
      details: { incident: incident.id, mode: incident.mode, mustChange: supported, sessionsEnded: ended, notices, expiresAt: incident.expiresAt.toISOString() },
    }));
    return true;
  });
  return claimed ? 'done' : 'taken';
}

/** Records a person's failure (row and audit entry); the job goes on with the next. */
export async function recordFailure(deps: IncidentPersonDeps, incident: IncidentRecord, row: IncidentPersonRecord, by: IncidentActor, error: unknown): Promise<void> {
  const reason = failureReason(error);
  await deps.incidents.settle(incident.id, row.seq, 'failed', reason, deps.clock.now());
  await deps.store.transaction((tx) => tx.audit.append(incidentEntry(by, {
    event: 'incident.person_reset', outcome: 'failure', tenantId: incident.tenantId, subjectId: row.subjectId, details: { incident: incident.id, mode: incident.mode, reason },
  })));
}

/**
 * Tells the person on every channel they have: each mailbox (the directory's when trusted, each confirmed extra
 * one) what happened, that they must set a new password, how, and whom to ask; where SMS is configured, each
 * confirmed phone a short text saying to look at their mail. No "this wasn't me" link: the organisation did this,
 * on purpose. Keys are stable per incident and person, so nothing is told twice.
 */
async function noticePerson(deps: IncidentPersonDeps, tx: StoreTx, account: DirectoryAccount, incident: IncidentRecord, now: Date): Promise<number> {
  const mailboxes = await mailboxesOf(deps.methods.within(tx), account, deps.policyFor);
  const data = {
    displayName: account.displayName ?? account.username,
    tenantName: deps.tenants.get(account.tenantId)?.name ?? account.tenantId,
    mode: incident.mode,
    when: now.toISOString(),
    expiresAt: incident.expiresAt.toISOString(),
    incident: incident.id,
    ...languageMark(account.preferredLanguage),
  };
  const common = { template: 'incident_notice' as const, tenantId: account.tenantId, data, subjectId: account.id };
  for (const [index, to] of mailboxes.entries()) {
    await tx.outbox.enqueue({ ...common, channel: 'email', to, idempotencyKey: `incident:${incident.id}:${account.id}:mail:${index}`.slice(0, 128) });
  }
  if (!deps.smsAvailable) return mailboxes.length;
  const registered = (await deps.methods.within(tx).listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'sms_code' && m.confirmed && typeof m.data.phone === 'string');
  const directoryPhone = directoryPhoneOf(account, decidePolicy(deps.policyFor(account.tenantId), account));
  const phones = [...new Set([...(directoryPhone ? [directoryPhone] : []), ...registered.map((m) => String(m.data.phone))])];
  for (const [index, to] of phones.entries()) {
    await tx.outbox.enqueue({ ...common, channel: 'sms', to, idempotencyKey: `incident:${incident.id}:${account.id}:sms:${index}`.slice(0, 128) });
  }
  return mailboxes.length + phones.length;
}
