import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { SqlAuditAppender } from '../../adapters/store/audit-appender.js';
import type { Database } from '../../adapters/store/schema.js';
import { SqlUserRepository } from '../../adapters/store/user-repository.js';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import { systemClock } from '../../core/ports/clock.js';
import { tenantOption, type Command } from '../command.js';
import { parseCsv } from '../csv.js';
import { withDatabase } from '../database.js';
import { CliFailure, isUniqueViolation, oneLine } from '../errors.js';
import { IMPORT_COLUMNS, quoted, readHeader, validateImportRows, type ImportRow, type RowProblem } from '../user-rows.js';

/** Largest file read: the whole file is validated in memory before anything is written. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Usernames per `IN (…)` query when looking for rows that already exist. */
const LOOKUP_CHUNK = 500;

export const usersImportCommand: Command = {
  name: 'users import',
  summary: 'Import users from a CSV file: all of them, or none when any row is bad.',
  synopsis: '<file.csv> [--tenant T]',
  description: [
    `A header line names the columns: ${IMPORT_COLUMNS.join(', ')}. Only username is required.`,
    'groups are separated by ";"; enabled is true or false (default true); tenant falls back to --tenant, then the',
    'default tenant; password_hash carries over an existing argon2 hash ("$argon2id$…", quoted: it holds commas).',
    'RFC 4180 quoting, LF or CRLF line ends, UTF-8 with or without a byte order mark.',
    'Every row is checked first and each bad one reported as "line N: problem"; then all rows go in one transaction.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'tenant for rows without a tenant column value (default: the default tenant)' },
  },
  positionals: { min: 1, max: 1, name: '<file.csv>' },
  async run({ io, config, values, positionals }) {
    const cfg = config();
    const fallback = tenantOption(cfg, values);
    const path = resolve(io.cwd, positionals[0]!);
    const text = await readCsvFile(path);

    const records = parseCsv(text);
    if (records.length === 0) throw new CliFailure(`${path}: the file is empty (a header line is required)`);
    const header = readHeader(records[0]!);
    if (!header.ok) return report(io, header.problems, 0);
    const body = records.slice(1);
    if (body.length === 0) throw new CliFailure(`${path}: no rows after the header; nothing imported`);
    const { rows, problems } = validateImportRows(body, header.columns, { known: new Set(cfg.tenants.map((t) => t.id)), fallback });

    return withDatabase(cfg, { migrate: true }, async (handle) => {
      problems.push(...(await alreadyStored(handle.db, rows)));
      if (problems.length > 0) return report(io, problems, body.length);

      const now = systemClock.now();
      const perTenant = countBy(rows.map((r) => r.tenantId));
      try {
        await handle.db.transaction().execute(async (trx) => {
          const users = new SqlUserRepository(trx);
          for (const row of rows) await users.insert(row, now);
          const tenants = [...perTenant.keys()];
          await new SqlAuditAppender(trx, handle.dialect, systemClock).append({
            event: 'user.imported',
            outcome: 'success',
            // One entry for the whole import; with several tenants it is filed under the default tenant and lists them all.
            tenantId: tenants.length === 1 ? tenants[0]! : cfg.defaultTenant!,
            actor: 'cli',
            details: { count: rows.length, tenants: Object.fromEntries(perTenant), file: basename(path) },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new CliFailure('a username was added by someone else while importing; nothing imported, run the import again');
        throw error;
      }
      const where = [...perTenant].map(([tenant, n]) => (perTenant.size === 1 ? `tenant ${tenant}` : `${tenant} (${n})`)).join(', ');
      io.stdout.write(`imported ${rows.length} user${rows.length === 1 ? '' : 's'} into ${perTenant.size === 1 ? where : `tenants ${where}`}\n`);
      return 0;
    });
  },
};

async function readCsvFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliFailure(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${oneLine(error)})`);
  }
  if (bytes.length > MAX_FILE_BYTES) throw new CliFailure(`${path}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; split it into several files`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliFailure(`${path}: not valid UTF-8 (save the file as UTF-8)`);
  }
}

/** Rows whose username is already taken in their tenant. */
async function alreadyStored(db: Kysely<Database>, rows: readonly ImportRow[]): Promise<RowProblem[]> {
  const problems: RowProblem[] = [];
  const byTenant = new Map<string, ImportRow[]>();
  for (const row of rows) {
    const list = byTenant.get(row.tenantId);
    if (list) list.push(row);
    else byTenant.set(row.tenantId, [row]);
  }
  for (const [tenantId, tenantRows] of byTenant) {
    for (let start = 0; start < tenantRows.length; start += LOOKUP_CHUNK) {
      const chunk = tenantRows.slice(start, start + LOOKUP_CHUNK);
      const taken = await db
        .selectFrom('users')
        .select('username_norm')
        .where('tenant_id', '=', tenantId)
        .where('username_norm', 'in', chunk.map((r) => normalizeIdentifier(r.username)))
        .execute();
      const takenSet = new Set(taken.map((t) => t.username_norm));
      for (const row of chunk) {
        if (takenSet.has(normalizeIdentifier(row.username))) {
          problems.push({ line: row.line, message: `username ${quoted(row.username)} already exists in tenant ${tenantId}` });
        }
      }
    }
  }
  return problems;
}

/** Prints every problem in file order, then the verdict: nothing was imported. */
function report(io: { stderr: { write(text: string): unknown } }, problems: RowProblem[], rowCount: number): number {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  for (const p of sorted) io.stderr.write(`line ${p.line}: ${p.message}\n`);
  const badRows = new Set(sorted.map((p) => p.line)).size;
  io.stderr.write(
    rowCount === 0 ? 'nothing imported: fix the header line\n' : `nothing imported: ${badRows} of ${rowCount} row${rowCount === 1 ? '' : 's'} ha${badRows === 1 ? 's' : 've'} problems\n`,
  );
  return 1;
}

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
