import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { buildDirectoryRouter } from '../../adapters/directory/build-directories.js';
import { Argon2Hasher } from '../../adapters/directory/password-hasher.js';
import { openDatabase, type DatabaseHandle } from '../../adapters/store/database.js';
import { SqlMethodRepository } from '../../adapters/store/method-repository.js';
import { SqlStore } from '../../adapters/store/sql-store.js';
import { ConfigTenants } from '../../adapters/tenants/config-tenants.js';
import { resolveMasterKeys } from '../../config/key-material.js';
import { policyFor } from '../../config/policy-schema.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { Sealer } from '../../core/crypto/sealer.js';
import { csvRecords, type CsvRecord } from '../../core/enrolment/contact-import-csv.js';
import { CONTACT_COLUMNS, type RowProblem } from '../../core/enrolment/contact-import-rows.js';
import { ContactWriter } from '../../core/enrolment/contact-import-writer.js';
import { ContactImport, type ImportTally } from '../../core/enrolment/contact-import.js';
import { isUnlatchError } from '../../core/errors.js';
import { systemClock } from '../../core/ports/clock.js';
import type { Directory } from '../../core/ports/directory.js';
import { tenantOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure, oneLine } from '../errors.js';
import type { CliIo } from '../io.js';
import { auditExportOf } from '../../adapters/audit/build-audit-sinks.js';
import { configuredAuditSinks } from '../../config/audit-sinks-schema.js';

/** Progress goes to stderr every this many rows, so a long file shows it is moving. */
const PROGRESS_LINES = 10_000;

export const methodsImportCommand: Command = {
  name: 'methods import',
  summary: "Import people's private email addresses and mobile numbers from an HR file: all rows, or none when any is bad.",
  synopsis: '<file.csv> [--tenant T] [--dry-run]',
  description: [
    `A header line names the columns: ${CONTACT_COLUMNS.join(', ')} (any case). username or email finds the person in`,
    "the tenant's directory (username wins when both are filled); personal_email and mobile hold the data, several",
    'values separated by ";". Numbers in international form (+41 44 668 18 00 or 0041 44 668 18 00).',
    'RFC 4180 quoting, LF or CRLF line ends, UTF-8 with or without a byte order mark; read as a stream.',
    'Every row is checked first and each bad one reported as "line N: problem" (unknown person, bad address or',
    'number, a person or value given twice, wrong number of fields); then all rows go in one transaction.',
    'Values a person already has are skipped, so importing the same file again changes nothing. Whether imported',
    "data counts at once or waits for the person to confirm it is the policy's trustImportedContacts (default: waits).",
    'Each person changed gets one audit entry (method.imported) and a notice mail.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant whose people the file lists (default: the default tenant)' },
    'dry-run': { type: 'boolean', description: 'check the file and say what would change; write nothing' },
  },
  positionals: { min: 1, max: 1, name: '<file.csv>' },
  async run({ io, config, values, positionals }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const path = resolve(io.cwd, positionals[0]!);
    await mustBeFile(path);
    const records = () => fileRecords(path);
    return withDatabase(cfg, { migrate: true }, async (handle) => {
      const { store, writer, directory, close } = await contactWiring(cfg, handle);
      try {
        return await importFile(io, { tenantId, path, dryRun: values['dry-run'] === true, records }, new ContactImport({ store, directory, writer }));
      } finally {
        await close();
      }
    });
  },
};

/** Checks the whole file, then (unless dry) writes it in one transaction; prints the problems or what changed. */
async function importFile(io: CliIo, input: { tenantId: string; path: string; dryRun: boolean; records: () => AsyncIterable<CsvRecord> }, importer: ContactImport): Promise<number> {
  const { tenantId, path, records } = input;
  const progress = (phase: 'check' | 'write', rows: number) => {
    if (rows % PROGRESS_LINES === 0) io.stderr.write(`${phase === 'check' ? 'checked' : 'imported'} ${rows} rows…\n`);
  };
  const checked = await asCliErrors(() => importer.check(tenantId, records(), { plan: input.dryRun, progress }));
  if (checked.problems.length > 0) return report(io, checked.problems, checked.rows, 'nothing imported');
  if (input.dryRun) {
    io.stdout.write(`dry run, nothing written: ${checked.rows} row${s(checked.rows)} checked; would ${describe(checked)} in tenant ${tenantId}\n`);
    return 0;
  }
  let done: ImportTally;
  try {
    done = await asCliErrors(() => importer.commit(tenantId, records(), { actor: 'cli', reference: basename(path) }, progress));
  } catch (error) {
    const problems = isUnlatchError(error) && error.code === 'conflict' ? (error.details.problems as RowProblem[] | undefined) : undefined;
    if (problems) return report(io, problems, checked.rows, 'nothing imported: the file or the directory changed while importing');
    throw error;
  }
  io.stdout.write(
    done.people === 0
      ? `nothing to import: every value of the ${done.rows} row${s(done.rows)} is already there (tenant ${tenantId})\n`
      : `imported: ${describe(done).replace(/^add /, 'added ')} in tenant ${tenantId}\n`,
  );
  return 0;
}

/** The store, method repository, directory and contact writer as the server wires them, for `methods import` and `methods sync`. */
export async function contactWiring(cfg: UnlatchConfig, handle: DatabaseHandle): Promise<{ store: SqlStore; writer: ContactWriter; directory: Directory; close: () => Promise<void> }> {
  const keys = new KeyRing(resolveMasterKeys(cfg));
  const outboxSealer = new Sealer(keys, 'outbox-seal');
  const store = new SqlStore(handle, outboxSealer, systemClock, auditExportOf(configuredAuditSinks(cfg.audit), outboxSealer), { chains: cfg.audit.chains });
  const methods = new SqlMethodRepository(handle.db, new Sealer(keys, 'totp-seal'));
  const tenants = new ConfigTenants(cfg.tenants, cfg.defaultTenant!);
  const writer = new ContactWriter({ methods, tenants, clock: systemClock, policyFor: (tenantId) => policyFor(cfg.policy, tenantId) });
  // People are looked up while the import's transaction is open. SQLite has one connection per handle and that
  // transaction holds it, so the built-in directory reads through a second one (WAL lets it read meanwhile).
  const reader = handle.dialect === 'sqlite' ? openDatabase(cfg.database.url!) : handle;
  const directory = await buildDirectoryRouter(cfg, { db: reader.db, hasher: new Argon2Hasher(), clock: systemClock });
  return { store, writer, directory, close: async () => (reader === handle ? undefined : reader.close()) };
}

/** Core's typed errors as the CLI's: a directory that cannot be reached is one clear line, with what became of the work. */
export async function asCliErrors<T>(work: () => Promise<T>, outcome = 'nothing imported'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnlatchError(error) && error.code === 'directory_unavailable') throw new CliFailure(`a directory of the tenant cannot be reached (see: unlatch directory check); ${outcome}`);
    throw error;
  }
}

async function mustBeFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new CliFailure(`${path}: not a file`);
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    const code = (error as { code?: string }).code;
    throw new CliFailure(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${oneLine(error)})`);
  }
}

/** The file's records, read as a stream of strictly decoded UTF-8 (a file in another encoding is refused). */
function fileRecords(path: string): AsyncIterable<CsvRecord> {
  return csvRecords(utf8Chunks(path));
}

async function* utf8Chunks(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) yield decoder.decode(chunk as Buffer, { stream: true });
    yield decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new CliFailure(`${path}: not valid UTF-8 (save the file as UTF-8); nothing imported`);
    throw new CliFailure(`${path}: cannot read (${oneLine(error)}); nothing imported`);
  }
}

/** Prints every problem in file order, then the verdict. */
function report(io: CliIo, problems: readonly RowProblem[], rowCount: number, verdict: string): number {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  for (const p of sorted) io.stderr.write(`line ${p.line}: ${p.message}\n`);
  const badRows = new Set(sorted.map((p) => p.line)).size;
  io.stderr.write(rowCount === 0 ? `${verdict}\n` : `${verdict}: ${badRows} of ${rowCount} row${s(rowCount)} ha${badRows === 1 ? 's' : 've'} problems\n`);
  return 1;
}

function describe(t: ImportTally): string {
  const waiting = t.emails + t.phones - t.confirmed;
  return `add ${t.emails} address${t.emails === 1 ? '' : 'es'} and ${t.phones} phone number${s(t.phones)} for ${t.people} ${t.people === 1 ? 'person' : 'people'} (${t.confirmed} confirmed at once, ${waiting} waiting for the person to confirm)`;
}

function s(n: number): string {
  return n === 1 ? '' : 's';
}
