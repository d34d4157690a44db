import type { NewUser } from '../adapters/store/user-repository.js';
import { normalizeIdentifier } from '../core/identity/normalize.js';
import type { CsvRecord } from './csv.js';

/**
 * Validation of users for `unlatch users add` and `unlatch users import`. Pure: no database, no I/O.
 * Each check returns the problem as a short phrase, or null when the value is fine.
 */

/** The columns `users import` understands; only `username` is required. */
export const IMPORT_COLUMNS = ['username', 'email', 'phone', 'display_name', 'groups', 'tenant', 'enabled', 'password_hash'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** A user ready to insert: every field of the store's new user decided. */
export type UserDraft = Omit<Required<NewUser>, 'locked'>;

/** A valid row of an import file. */
export interface ImportRow extends UserDraft {
  line: number;
}

export interface RowProblem {
  line: number;
  message: string;
}

// Control characters would corrupt terminals and logs that show these values; the columns' sizes bound the rest.
const CONTROL = /[\p{Cc}\p{Cs}]/u;
const MAX_USERNAME = 256;
const MAX_EMAIL = 320;
const MAX_DISPLAY_NAME = 256;
const MAX_GROUP = 128;

/** Shows a value inside a message: quoted, shortened, with control characters made visible. */
export function quoted(value: string, max = 60): string {
  const cleaned = value.replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD');
  return JSON.stringify(cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned);
}

export function checkUsername(username: string): string | null {
  if (username === '') return 'missing username';
  if (CONTROL.test(username)) return `username ${quoted(username)} contains control characters`;
  if (/\s/u.test(username)) return `username ${quoted(username)} must not contain spaces`;
  if ([...username].length > MAX_USERNAME) return `username is longer than ${MAX_USERNAME} characters`;
  if (normalizeIdentifier(username) === '') return `username ${quoted(username)} is empty after normalization`;
  return null;
}

// Pragmatic, not RFC 5322: one @, a local part without spaces, a domain of dot-separated labels
// (Unicode letters allowed for internationalized domains) ending in a label of two or more letters.
const EMAIL = /^[^\s@"]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export function checkEmail(email: string): string | null {
  if (email.length > MAX_EMAIL || CONTROL.test(email) || !EMAIL.test(email)) return `bad email ${quoted(email)}`;
  return null;
}

/** Digits with the usual separators, optionally a leading +, like "+41 44 668 18 00". */
export function checkPhone(phone: string): string | null {
  const digits = phone.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ().-]+$/.test(phone) || digits < 5 || digits > 15 || phone.length > 32) return `bad phone number ${quoted(phone)}`;
  return null;
}

export function checkDisplayName(name: string): string | null {
  if (CONTROL.test(name)) return 'display name contains control characters';
  if ([...name].length > MAX_DISPLAY_NAME) return `display name is longer than ${MAX_DISPLAY_NAME} characters`;
  return null;
}

/** Splits a group list (`,` for the add command, `;` in CSV files), trimmed, empty entries and repeats dropped. */
export function parseGroups(value: string, separator: ',' | ';'): { groups: string[]; problem: string | null } {
  const groups = [...new Set(value.split(separator).map((g) => g.trim()).filter((g) => g !== ''))];
  const bad = groups.find((g) => CONTROL.test(g) || [...g].length > MAX_GROUP);
  return { groups, problem: bad === undefined ? null : `bad group name ${quoted(bad)}` };
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case); empty means enabled. */
export function parseEnabled(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return null;
}

// PHC string format of argon2 (argon2id, argon2i or argon2d), as @node-rs/argon2 and libargon2 write it:
// $argon2id$v=19$m=19456,t=2,p=1$<salt, base64 without padding>$<hash, base64 without padding>
const ARGON2_HASH = /^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}$/;

/** Never echoes the value: a hash is not a password, but it is still not for terminals and logs. */
export function checkPasswordHash(hash: string): string | null {
  return ARGON2_HASH.test(hash) ? null : 'password_hash is not an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)';
}

/** The key that makes two users the same: tenant and normalized username. */
export function userKey(tenantId: string, username: string): string {
  return `${tenantId}\u0000${normalizeIdentifier(username)}`;
}

export interface ImportTenants {
  /** Configured tenant ids. */
  known: ReadonlySet<string>;
  /** `--tenant`, else the default tenant: used when a row has no `tenant` value. */
  fallback: string;
}

export type HeaderResult = { ok: true; columns: Map<ImportColumn, number> } | { ok: false; problems: RowProblem[] };

/** Reads the header record: known column names (any case, surrounding spaces ignored), each once, `username` present. */
export function readHeader(header: CsvRecord): HeaderResult {
  const problems: RowProblem[] = [];
  const columns = new Map<ImportColumn, number>();
  if (header.problem) problems.push({ line: header.line, message: header.problem });
  header.fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ line: header.line, message: `unknown column ${quoted(raw)} (known: ${IMPORT_COLUMNS.join(', ')})` });
    } else if (columns.has(name as ImportColumn)) {
      problems.push({ line: header.line, message: `column ${quoted(name)} appears twice` });
    } else {
      columns.set(name as ImportColumn, index);
    }
  });
  if (!columns.has('username') && problems.length === 0) problems.push({ line: header.line, message: 'the header has no "username" column' });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, columns };
}

/**
 * Checks every data row (it never stops at the first bad one) and finds usernames repeated within the file.
 * Rows already present in the store are the caller's to find: this stays pure.
 */
export function validateImportRows(
  records: readonly CsvRecord[],
  columns: Map<ImportColumn, number>,
  tenants: ImportTenants,
): { rows: ImportRow[]; problems: RowProblem[] } {
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const firstLineOf = new Map<string, number>();
  // readHeader maps every header field to a column, so the header has exactly this many fields.
  const expected = columns.size;

  for (const record of records) {
    if (record.problem) {
      problems.push({ line: record.line, message: record.problem });
      continue;
    }
    if (record.fields.length !== expected) {
      // An argon2 hash holds commas ("m=19456,t=2,p=1"): unquoted, it splits into several fields.
      const hint = record.fields.length > expected && record.fields.some((f) => f.trim().startsWith('$argon2')) ? ' (quote the password_hash: it contains commas)' : '';
      problems.push({ line: record.line, message: `expected ${expected} fields as in the header, found ${record.fields.length}${hint}` });
      continue;
    }
    const get = (column: ImportColumn): string => {
      const index = columns.get(column);
      return index === undefined ? '' : record.fields[index]!.trim();
    };
    const issues: string[] = [];
    const note = (issue: string | null) => {
      if (issue !== null) issues.push(issue);
    };

    const username = get('username');
    note(checkUsername(username));
    const email = get('email');
    if (email !== '') note(checkEmail(email));
    const phone = get('phone');
    if (phone !== '') note(checkPhone(phone));
    const displayName = get('display_name');
    if (displayName !== '') note(checkDisplayName(displayName));
    const { groups, problem: groupProblem } = parseGroups(get('groups'), ';');
    note(groupProblem);
    const tenantId = get('tenant') || tenants.fallback;
    if (!tenants.known.has(tenantId)) note(`unknown tenant ${quoted(tenantId)}`);
    const enabled = parseEnabled(get('enabled'));
    if (enabled === null) note(`enabled must be true or false, not ${quoted(get('enabled'))}`);
    const passwordHash = get('password_hash');
    if (passwordHash !== '') note(checkPasswordHash(passwordHash));

    if (username !== '' && checkUsername(username) === null) {
      const key = userKey(tenantId, username);
      const first = firstLineOf.get(key);
      if (first !== undefined) note(`duplicate username ${quoted(username)} (also on line ${first})`);
      else firstLineOf.set(key, record.line);
    }

    if (issues.length > 0) {
      problems.push({ line: record.line, message: issues.join('; ') });
      continue;
    }
    rows.push({
      line: record.line,
      tenantId,
      username,
      email: email || null,
      phone: phone || null,
      displayName: displayName || null,
      groups,
      enabled: enabled!,
      passwordHash: passwordHash || null,
    });
  }
  return { rows, problems };
}
