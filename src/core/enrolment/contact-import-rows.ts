import { normalizeEmail } from '../methods/email_code/email-registration.js';
import { isE164 } from '../sms/e164.js';
import type { CsvRecord } from './contact-import-csv.js';

/**
 * The columns of a contact file and the checks of one row, for `unlatch methods import`. Pure: the person
 * is looked up elsewhere. Each check names its problem in a short phrase that the CLI prints as `line N: …`.
 */

/**
 * The columns a contact file may have (header names compared case-insensitively, surrounding spaces ignored):
 * `username` or `email` finds the person (when both are given, `username` is used and `email` only where the
 * username cell is blank); `personal_email` and `mobile` hold the contact data, several values separated by `;`.
 */
export const CONTACT_COLUMNS = ['username', 'email', 'personal_email', 'mobile'] as const;
export type ContactColumn = (typeof CONTACT_COLUMNS)[number];

/** Values per cell: a person has a few private addresses and phones, not dozens. */
export const MAX_VALUES_PER_CELL = 5;

/** One valid row: who, and the contact data to import (normalised, each once). */
export interface ContactRow {
  line: number;
  /** The username or email address the person is looked up by, as written (trimmed). */
  identifier: string;
  emails: string[];
  /** E.164 numbers. */
  phones: string[];
}

export interface RowProblem {
  line: number;
  message: string;
}

export type ContactHeader = { ok: true; columns: Map<ContactColumn, number>; width: number } | { ok: false; problems: RowProblem[] };

// Control characters would corrupt terminals and logs that show these values.
const CONTROL = /[\p{Cc}\p{Cs}]/gu;

/** Shows a value inside a message: quoted, shortened, with control characters made visible. */
export function quoted(value: string, max = 60): string {
  const cleaned = value.replace(CONTROL, '\uFFFD');
  return JSON.stringify(cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned);
}

/** Reads the header record: known column names, each once, an identifier column and at least one contact column. */
export function readContactHeader(header: CsvRecord): ContactHeader {
  const problems: RowProblem[] = [];
  const columns = new Map<ContactColumn, number>();
  if (header.problem) problems.push({ line: header.line, message: header.problem });
  header.fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (!(CONTACT_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ line: header.line, message: `unknown column ${quoted(raw)} (known: ${CONTACT_COLUMNS.join(', ')})` });
    } else if (columns.has(name as ContactColumn)) {
      problems.push({ line: header.line, message: `column ${quoted(name)} appears twice` });
    } else {
      columns.set(name as ContactColumn, index);
    }
  });
  if (problems.length === 0 && !columns.has('username') && !columns.has('email')) {
    problems.push({ line: header.line, message: 'the header has no "username" or "email" column to find people by' });
  }
  if (problems.length === 0 && !columns.has('personal_email') && !columns.has('mobile')) {
    problems.push({ line: header.line, message: 'the header has no "personal_email" or "mobile" column: nothing to import' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, columns, width: header.fields.length };
}

/** Checks one data row; every problem of the row in one message. */
export function readContactRow(record: CsvRecord, header: { columns: Map<ContactColumn, number>; width: number }): { row: ContactRow } | { problem: RowProblem } {
  const fail = (message: string) => ({ problem: { line: record.line, message } });
  if (record.problem) return fail(record.problem);
  if (record.fields.length !== header.width) return fail(`expected ${header.width} fields as in the header, found ${record.fields.length}`);
  const get = (column: ContactColumn): string => {
    const index = header.columns.get(column);
    return index === undefined ? '' : record.fields[index]!.trim();
  };
  const issues: string[] = [];
  const identifier = get('username') || get('email');
  if (identifier === '') issues.push(header.columns.has('username') ? 'missing username' : 'missing email');
  else if (identifier.match(CONTROL) || identifier.length > 320) issues.push(`bad identifier ${quoted(identifier)}`);

  const emails = values(get('personal_email'), normalizeEmail, (v) => `bad email ${quoted(v)}`, issues);
  const phones = values(get('mobile'), normalizeContactPhone, (v) => `bad phone number ${quoted(v)} (write it in international form, e.g. +41 44 668 18 00)`, issues);
  if (issues.length > 0) return fail(issues.join('; '));
  return { row: { line: record.line, identifier, emails, phones } };
}

/** A cell's `;`-separated values, each normalised, each once; problems appended to `issues`. */
function values(cell: string, normalize: (raw: string) => string | null, bad: (raw: string) => string, issues: string[]): string[] {
  const out: string[] = [];
  const parts = cell.split(';').map((v) => v.trim()).filter((v) => v !== '');
  if (parts.length > MAX_VALUES_PER_CELL) {
    issues.push(`more than ${MAX_VALUES_PER_CELL} values in one cell`);
    return out;
  }
  for (const part of parts) {
    const value = normalize(part);
    if (value === null) issues.push(bad(part));
    else if (!out.some((known) => sameContact(known, value))) out.push(value);
  }
  return out;
}

/**
 * A phone number from HR data → E.164, or null: spaces, dashes, dots and brackets dropped (as registration
 * does), and the international prefix `00` read as `+`. A national number (`0171 …`) is refused: only its
 * country could make it E.164, and guessing one would text a stranger.
 */
export function normalizeContactPhone(raw: string): string | null {
  if (raw.length > 64) return null;
  const compact = raw.normalize('NFKC').replace(/[\s\-.()\u2010-\u2015]/g, '');
  const phone = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return isE164(phone) ? phone : null;
}

/** Two contact values are the same when they match case-insensitively (phones are E.164 already). */
export function sameContact(a: string, b: string): boolean {
  return contactKey(a) === contactKey(b);
}

/** The form two contact values are compared in. */
export function contactKey(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}
