import { UnlatchError } from '../errors.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { Store } from '../ports/store.js';
import type { CsvRecord } from './contact-import-csv.js';
import { isEmptyPlan } from './contact-import-plan.js';
import { contactKey, quoted, readContactHeader, readContactRow, type ContactRow, type RowProblem } from './contact-import-rows.js';
import type { ContactChange, ContactOrigin, ContactWriter } from './contact-import-writer.js';

/** What the import needs: the store, the tenant's directory to find people, and the shared writer. */
export interface ContactImportDeps {
  store: Store;
  directory: Pick<Directory, 'findByIdentifier'>;
  writer: ContactWriter;
}

/** Called every {@link PROGRESS_EVERY} rows, with the rows read so far. */
export type ImportProgress = (phase: 'check' | 'write', rows: number) => void;

export const PROGRESS_EVERY = 1000;

/** What a file would change or changed: people, and the addresses and phone numbers added for them. */
export interface ImportTally {
  /** Data rows read (the header not counted). */
  rows: number;
  /** People whose methods change. */
  people: number;
  emails: number;
  phones: number;
  /** Of the added addresses and numbers, those confirmed at once (`trustImportedContacts`); the rest wait for the person. */
  confirmed: number;
}

export interface ImportCheck extends ImportTally {
  /** Every bad row, in file order; empty when the file can be imported. */
  problems: RowProblem[];
}

/**
 * `unlatch methods import`: contact data from an HR file, all or nothing. `check` reads every row, finds each
 * person in the tenant's directory and reports every bad row by line (unknown person, bad address or number,
 * a person or value given twice, a row with too many fields); `commit` then reads the file again and writes
 * everything in one store transaction, checking each row again: a row that went bad meanwhile (a person
 * removed from the directory) rolls it all back. Records arrive as an async stream, so memory stays flat.
 */
export class ContactImport {
  constructor(private readonly deps: ContactImportDeps) {}

  /**
   * Reads and checks the whole file, writing nothing. With `plan` (a dry run) the tally also says what `commit`
   * would change, at the cost of reading each person's methods.
   */
  async check(tenantId: string, records: AsyncIterable<CsvRecord>, options: { plan?: boolean; progress?: ImportProgress } = {}): Promise<ImportCheck> {
    const problems: RowProblem[] = [];
    const tally = emptyTally();
    for await (const item of this.rows(tenantId, records, problems, tally, (rows) => options.progress?.('check', rows))) {
      if (problems.length > 0 || !options.plan) continue;
      count(tally, await this.deps.writer.plan(item.account, item.row));
    }
    return { ...tally, problems };
  }

  /**
   * Writes every row in one transaction. A problem found now (the file or the directory changed since the
   * check) rolls everything back: `conflict` with `details.problems`.
   */
  async commit(tenantId: string, records: AsyncIterable<CsvRecord>, origin: Omit<ContactOrigin, 'source'>, progress?: ImportProgress): Promise<ImportTally> {
    return this.deps.store.transaction(async (tx) => {
      const problems: RowProblem[] = [];
      const tally = emptyTally();
      for await (const item of this.rows(tenantId, records, problems, tally, (rows) => progress?.('write', rows))) {
        if (problems.length > 0) continue;
        count(tally, await this.deps.writer.apply(tx, item.account, item.row, { ...origin, source: 'import' }));
      }
      if (problems.length > 0) throw new UnlatchError('conflict', { reason: 'import_changed', problems });
      return tally;
    });
  }

  /** The good rows with their person; each bad row's problem goes to `problems`. */
  private async *rows(
    tenantId: string,
    records: AsyncIterable<CsvRecord>,
    problems: RowProblem[],
    tally: ImportTally,
    progress: (rows: number) => void,
  ): AsyncGenerator<{ row: ContactRow; account: DirectoryAccount }> {
    let header: Exclude<ReturnType<typeof readContactHeader>, { ok: false }> | null = null;
    // First line of each person and of each value: a second one is a mistake in the file (or two people sharing a phone).
    const people = new Map<string, number>();
    const values = new Map<string, { line: number; person: string }>();
    for await (const record of records) {
      if (header === null) {
        const read = readContactHeader(record);
        if (!read.ok) {
          problems.push(...read.problems);
          return;
        }
        header = read;
        continue;
      }
      tally.rows += 1;
      if (tally.rows % PROGRESS_EVERY === 0) progress(tally.rows);
      const read = readContactRow(record, header);
      if ('problem' in read) {
        problems.push(read.problem);
        continue;
      }
      const { row } = read;
      const account = await this.deps.directory.findByIdentifier(tenantId, normalizeIdentifier(row.identifier));
      if (!account) {
        problems.push({ line: row.line, message: `no person ${quoted(row.identifier)} in tenant ${tenantId}` });
        continue;
      }
      const issues: string[] = [];
      const firstLine = people.get(account.id);
      if (firstLine !== undefined) issues.push(`the same person as on line ${firstLine}`);
      else people.set(account.id, row.line);
      for (const value of [...row.emails, ...row.phones]) {
        const key = contactKey(value);
        const seen = values.get(key);
        if (seen === undefined) values.set(key, { line: row.line, person: account.id });
        else if (seen.person !== account.id) issues.push(`${quoted(value)} is also given for another person on line ${seen.line}`);
      }
      if (issues.length > 0) {
        problems.push({ line: row.line, message: issues.join('; ') });
        continue;
      }
      yield { row, account };
    }
    if (header === null) problems.push({ line: 1, message: 'the file is empty (a header line is required)' });
    else if (tally.rows === 0) problems.push({ line: 1, message: 'no rows after the header' });
  }
}

function emptyTally(): ImportTally {
  return { rows: 0, people: 0, emails: 0, phones: 0, confirmed: 0 };
}

function count(tally: ImportTally, plan: ContactChange): void {
  if (isEmptyPlan(plan)) return;
  tally.people += 1;
  if (plan.trusted) tally.confirmed += plan.add.length;
  tally.emails += plan.add.filter((c) => c.kind === 'email_code').length;
  tally.phones += plan.add.filter((c) => c.kind === 'sms_code').length;
}
