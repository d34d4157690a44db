import { inBatches } from '../admin/reports/people-listing.js';
import { enrolmentNeed } from '../enrolment/enrolment-need.js';
import type { EnrolmentSettings } from '../enrolment/enrolment-settings.js';
import { decidePolicy, type TenantPolicy } from '../policy/method-policy.js';
import type { Clock } from '../ports/clock.js';
import type { Directory, DirectoryAccount, DirectoryAccountDetails } from '../ports/directory.js';
import type { MethodKindsBySubject, ReminderLedger, SentReminder } from '../ports/reminder-ledger.js';
import type { Store } from '../ports/store.js';
import { nextEnrolmentStep, SEEN_ROUND } from './enrolment-rounds.js';
import { expiryRound, longestThresholdMs } from './expiry-rounds.js';
import { reminderEntry, reminderMessage, type ReminderToSend } from './reminder-mail.js';

/** What the reminder job needs. */
export interface ReminderJobDeps {
  directory: Directory;
  store: Store;
  ledger: ReminderLedger;
  methods: MethodKindsBySubject;
  clock: Clock;
  tenants: () => ReadonlyArray<{ id: string; name: string }>;
  policyFor: (tenantId: string) => TenantPolicy;
  enrolmentFor: (tenantId: string) => EnrolmentSettings;
  expiry: { enabled: boolean; thresholdsDays: readonly number[] };
  /** Accounts per directory page (default: the directory's). */
  listPageSize?: number;
  /** Called every few hundred people (the CLI shows progress on stderr). */
  onProgress?: (tenantId: string, people: number) => void;
}

/** What one run did in one tenant. */
export interface TenantReminderResult {
  tenantId: string;
  /** Enabled people listed. */
  people: number;
  enrolment: { enabled: boolean; uncovered: number; overdue: number; sent: number; noAddress: number };
  expiry: { enabled: boolean; expiring: number; sent: number; noAddress: number };
  /** Set when the tenant was skipped (its directory cannot list people). */
  skipped?: string;
}

const PROGRESS_EVERY = 500;

/**
 * One pass of reminders over every tenant: each enabled person is listed once (page by page, memory flat),
 * checked for enrolment (their own methods against their policy) and, where the directory tells, for an
 * expiring password. A reminder due is recorded and its mail and audit entry queued in one transaction;
 * a reminder recorded before (by this node or another) is skipped, so running the job twice, or on two
 * nodes at once, sends each reminder once. A directory that is down fails its tenant (thrown).
 */
export class ReminderJob {
  constructor(private readonly deps: ReminderJobDeps) {}

  /** One pass over every tenant (in order); the first tenant whose directory fails stops it (thrown). */
  async run(): Promise<TenantReminderResult[]> {
    const results: TenantReminderResult[] = [];
    for (const tenant of this.deps.tenants()) results.push(await this.runTenant(tenant.id));
    return results;
  }

  /** One pass over one tenant; `onProgress` is called as people are listed (besides the deps' own). */
  async runTenant(tenantId: string, onProgress?: (tenantId: string, people: number) => void): Promise<TenantReminderResult> {
    const { deps } = this;
    const tenant = deps.tenants().find((t) => t.id === tenantId) ?? { id: tenantId, name: tenantId };
    const progress = (id: string, people: number) => {
      deps.onProgress?.(id, people);
      onProgress?.(id, people);
    };
    const settings = deps.enrolmentFor(tenant.id);
    const enrolmentOn = settings.reminders.enabled;
    const expiryOn = deps.expiry.enabled && deps.directory.accountDetails !== undefined;
    const result: TenantReminderResult = {
      tenantId: tenant.id,
      people: 0,
      enrolment: { enabled: enrolmentOn, uncovered: 0, overdue: 0, sent: 0, noAddress: 0 },
      expiry: { enabled: deps.expiry.enabled, expiring: 0, sent: 0, noAddress: 0 },
    };
    if (!enrolmentOn && !expiryOn) return result;
    if (!deps.directory.listPeople) return { ...result, skipped: 'directory_cannot_list' };

    const now = deps.clock.now();
    const policy = deps.policyFor(tenant.id);
    const kinds = enrolmentOn ? await deps.methods.kindsBySubject(tenant.id) : new Map();
    const enrolmentHistory = enrolmentOn ? await deps.ledger.sentBySubject(tenant.id, 'enrolment') : new Map<string, SentReminder[]>();
    const expirySent = expiryOn ? await this.recentExpiryRounds(tenant.id, now) : new Set<string>();
    const overdue = settings.registrationDeadline !== null && now.getTime() >= settings.registrationDeadline.getTime();

    const enabledPeople = async function* (listed: AsyncIterable<DirectoryAccount>) {
      for await (const account of listed) if (account.enabled) yield account;
    };
    const details = (account: DirectoryAccount): Promise<DirectoryAccountDetails> => (expiryOn ? deps.directory.accountDetails!(account) : Promise.resolve({}));
    const listed = deps.directory.listPeople(tenant.id, deps.listPageSize === undefined ? {} : { pageSize: deps.listPageSize });

    for await (const [account, detail] of inBatches(enabledPeople(listed), 8, details)) {
      result.people += 1;
      if (result.people % PROGRESS_EVERY === 0) progress(tenant.id, result.people);
      const decision = decidePolicy(policy, account);
      if (enrolmentOn) {
        const need = enrolmentNeed(decision, kinds.get(account.id) ?? []);
        if (!need.satisfied) {
          result.enrolment.uncovered += 1;
          if (overdue) result.enrolment.overdue += 1;
          if (!account.email) result.enrolment.noAddress += 1;
          else if (await this.enrolmentReminder(tenant, account, account.email, settings, enrolmentHistory.get(account.id) ?? [], now)) result.enrolment.sent += 1;
        }
      }
      // People out of SSPR's scope (excluded groups) get no expiry reminder from us either: their resets are not ours.
      const expiresAt = detail.passwordExpiresAt;
      if (expiryOn && decision.ssprEnabled && expiresAt instanceof Date) {
        const due = expiryRound(expiresAt, deps.expiry.thresholdsDays, now);
        if (!due) continue;
        result.expiry.expiring += 1;
        if (expirySent.has(`${account.id}\u0000${due.round}`)) continue;
        if (!account.email) {
          result.expiry.noAddress += 1;
          continue;
        }
        const sent = await this.send({
          kind: 'expiry', account, to: account.email, round: due.round, tenantName: tenant.name,
          data: { expiresAt: expiresAt.toISOString(), daysLeft: due.daysLeft },
          details: { threshold: due.threshold, expiresAt: expiresAt.toISOString(), daysLeft: due.daysLeft },
        }, now, false);
        if (sent) result.expiry.sent += 1;
      }
    }
    progress(tenant.id, result.people);
    return result;
  }

  private async enrolmentReminder(tenant: { id: string; name: string }, account: DirectoryAccount, to: string, settings: EnrolmentSettings, history: readonly SentReminder[], now: Date): Promise<boolean> {
    const seen = history.find((r) => r.round === SEEN_ROUND);
    const step = nextEnrolmentStep(settings.reminders, settings.registrationDeadline, {
      seenAt: seen?.at ?? null,
      rounds: history.filter((r) => r.mailed).map((r) => ({ key: r.round, at: r.at })),
    }, now);
    if (step.do === 'wait') return false;
    if (step.do === 'note') {
      await this.deps.store.transaction((tx) => this.deps.ledger.record(tx, { tenantId: tenant.id, subjectId: account.id, kind: 'enrolment', round: SEEN_ROUND, at: now, mailed: false }));
      return false;
    }
    const deadline = settings.registrationDeadline?.toISOString() ?? null;
    return this.send({
      kind: 'enrolment', account, to, round: step.round, tenantName: tenant.name,
      data: { round: step.round, overdue: step.overdue ? 1 : 0, deadline },
      details: { overdue: step.overdue, deadline },
    }, now, step.note);
  }

  /** Records the reminder and queues its mail and audit entry, all or nothing; false when it was recorded before. */
  private send(reminder: ReminderToSend, now: Date, noteFirst: boolean): Promise<boolean> {
    const { ledger, store } = this.deps;
    const base = { tenantId: reminder.account.tenantId, subjectId: reminder.account.id, kind: reminder.kind, at: now };
    return store.transaction(async (tx) => {
      if (noteFirst) await ledger.record(tx, { ...base, round: SEEN_ROUND, mailed: false });
      if (!(await ledger.record(tx, { ...base, round: reminder.round, mailed: true }))) return false;
      await tx.outbox.enqueue(reminderMessage(reminder));
      await tx.audit.append(reminderEntry(reminder));
      return true;
    });
  }

  /** Expiry rounds recorded recently enough to belong to a round still open (older ones cannot). */
  private async recentExpiryRounds(tenantId: string, now: Date): Promise<Set<string>> {
    const since = new Date(now.getTime() - longestThresholdMs(this.deps.expiry.thresholdsDays) - 86_400_000);
    const sent = await this.deps.ledger.sentBySubject(tenantId, 'expiry', since);
    return new Set([...sent.values()].flat().map((r) => `${r.subjectId}\u0000${r.round}`));
  }
}
