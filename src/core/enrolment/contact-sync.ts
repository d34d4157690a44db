import { normalizeEmail } from '../methods/email_code/email-registration.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { Store } from '../ports/store.js';
import { isEmptyPlan, type ImportedContacts } from './contact-import-plan.js';
import { normalizeContactPhone, sameContact } from './contact-import-rows.js';
import type { ContactChange, ContactWriter } from './contact-import-writer.js';

export interface ContactSyncDeps {
  store: Store;
  directory: Pick<Directory, 'listPeople'>;
  writer: ContactWriter;
}

/** What a sync changed (or, dry, would change). */
export interface SyncSummary {
  /** Accounts read from the directory. */
  people: number;
  /** Accounts carrying contact data. */
  withContacts: number;
  /** People whose methods changed. */
  changed: number;
  emails: number;
  phones: number;
  /** Of the added ones, those confirmed at once (`trustImportedContacts`). */
  confirmed: number;
  /** Values the directory holds that are no address or E.164 number: left out. */
  skippedTotal: number;
  /** The first of those, for the report. */
  skipped: Array<{ subject: string; value: string }>;
}

/** People written per store transaction: a sync is idempotent, so a failure half-way is repaired by running it again. */
const BATCH = 100;
/** Skipped values kept for the report; beyond this they are only counted. */
const MAX_SKIPPED_REPORTED = 100;

/**
 * `unlatch methods sync`: walks every person of a tenant's directory (paged, so memory stays flat) and imports the
 * contact data of their mapped attributes exactly as a CSV import does (the same writer: trust rule, audit entry,
 * notice). Idempotent: values already held are left alone, so a second run changes nothing. Values removed
 * from the directory are not removed from people's methods: a person may rely on them (documented).
 */
export class ContactSync {
  constructor(private readonly deps: ContactSyncDeps) {}

  async run(tenantId: string, options: { dryRun?: boolean; actor: string; progress?: (people: number) => void }): Promise<SyncSummary> {
    const listPeople = this.deps.directory.listPeople;
    if (!listPeople) throw new Error('the directory cannot list people');
    const summary: SyncSummary = { people: 0, withContacts: 0, changed: 0, emails: 0, phones: 0, confirmed: 0, skippedTotal: 0, skipped: [] };
    let batch: Array<{ account: DirectoryAccount; contacts: ImportedContacts }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const pending = batch;
      batch = [];
      const plans = await this.deps.store.transaction(async (tx) => {
        const done: ContactChange[] = [];
        for (const { account, contacts } of pending) done.push(await this.deps.writer.apply(tx, account, contacts, { source: 'directory', actor: options.actor }));
        return done;
      });
      for (const plan of plans) tally(summary, plan);
    };
    for await (const account of listPeople.call(this.deps.directory, tenantId)) {
      summary.people += 1;
      if (summary.people % 1000 === 0) options.progress?.(summary.people);
      const { contacts, bad } = contactsOf(account);
      for (const value of bad) {
        summary.skippedTotal += 1;
        if (summary.skipped.length < MAX_SKIPPED_REPORTED) summary.skipped.push({ subject: account.username, value });
      }
      if (contacts.emails.length === 0 && contacts.phones.length === 0) continue;
      summary.withContacts += 1;
      if (options.dryRun) tally(summary, await this.deps.writer.plan(account, contacts));
      else {
        batch.push({ account, contacts });
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
    return summary;
  }
}

/**
 * The account's contact data (`contacts`, read from the directory's mapped `contactAttributes`), normalised as
 * registration would (the directory normalises too; this keeps the import's rules whatever it did); values
 * that are no address or E.164 number go to `bad`.
 */
export function contactsOf(account: DirectoryAccount): { contacts: ImportedContacts; bad: string[] } {
  const emails: string[] = [];
  const phones: string[] = [];
  const bad: string[] = [];
  const add = (list: string[], raw: string, normalize: (raw: string) => string | null) => {
    const value = normalize(raw);
    if (value === null) bad.push(raw);
    else if (!list.some((known) => sameContact(known, value))) list.push(value);
  };
  for (const raw of account.contacts?.emails ?? []) add(emails, raw, normalizeEmail);
  for (const raw of account.contacts?.phones ?? []) add(phones, raw, normalizeContactPhone);
  return { contacts: { emails, phones }, bad };
}

function tally(summary: SyncSummary, plan: ContactChange): void {
  if (isEmptyPlan(plan)) return;
  summary.changed += 1;
  if (plan.trusted) summary.confirmed += plan.add.length;
  summary.emails += plan.add.filter((c) => c.kind === 'email_code').length;
  summary.phones += plan.add.filter((c) => c.kind === 'sms_code').length;
}
