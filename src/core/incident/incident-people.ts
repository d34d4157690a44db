import { hashHandle } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import { normalizeIdentifier } from '../identity/normalize.js';
import type { Directory, DirectoryAccount } from '../ports/directory.js';
import type { IncidentPersonRecord } from './incident-store.js';

/** Where an incident's people come from: the members of a directory group, or a list of identifiers (a CSV file). */
export type IncidentSource =
  | { kind: 'group'; group: string }
  | { kind: 'list'; name: string; identifiers: ReadonlyArray<{ line: number; value: string }> };

/** Most people one list may name (a group may hold more: it is read page by page). */
export const MAX_LISTED = 200_000;
/** Header names a CSV's identifier column may have (any case). */
export const IDENTIFIER_COLUMNS = ['identifier', 'username', 'email'] as const;

/** A CSV record as `src/cli/csv.ts` reads it (line and fields). */
export interface CsvLike {
  line: number;
  fields: string[];
  problem?: string;
}

/**
 * The identifiers of a people CSV: one per row, in the column headed `identifier`, `username` or `email` (the
 * first of them present); a file without such a header is one identifier per row in its first column. Blank
 * cells are left out. A malformed row is an `invalid_request` naming its line (the file is the operator's).
 */
export function identifiersFromCsv(records: readonly CsvLike[]): Array<{ line: number; value: string }> {
  if (records.length === 0) return [];
  const header = records[0]!.fields.map((f) => f.trim().toLowerCase());
  const named = IDENTIFIER_COLUMNS.map((c) => header.indexOf(c)).find((i) => i >= 0);
  const column = named ?? 0;
  const rows = named === undefined ? records : records.slice(1);
  const out: Array<{ line: number; value: string }> = [];
  for (const record of rows) {
    if (record.problem) throw new UnlatchError('invalid_request', { field: 'file', line: record.line, reason: 'csv' }, `line ${record.line}: ${record.problem}`);
    const value = (record.fields[column] ?? '').trim();
    if (value !== '') out.push({ line: record.line, value });
  }
  if (out.length > MAX_LISTED) throw new UnlatchError('invalid_request', { field: 'file', reason: 'too_many' }, `at most ${MAX_LISTED} people per list`);
  return out;
}

/** The source as the incident shows it, and the key the same command again finds its incident by. */
export function sourceOf(source: IncidentSource): { label: string; key: string } {
  if (source.kind === 'group') return { label: `group:${source.group}`, key: `group:${hashHandle(normalizeIdentifier(source.group))}` };
  const normalized = source.identifiers.map((i) => normalizeIdentifier(i.value)).sort();
  return { label: `file:${source.name}`, key: `list:${hashHandle(normalized.join('\n'))}` };
}

/** Whether the account is in `group` (compared case-insensitively, as the policy compares groups). */
function inGroup(account: DirectoryAccount, group: string): boolean {
  const wanted = group.trim().toLowerCase();
  return account.groups.some((g) => g.trim().toLowerCase() === wanted);
}

/**
 * The people of an incident, in order, each pending or already skipped with a reason: `not_found` (the list's
 * identifier matches no single account), `duplicate` (listed twice), `disabled` (the account cannot sign in:
 * nothing to reset). The operator chose the list, so naming who was not found tells nobody anything new.
 */
export async function resolvePeople(
  directory: Pick<Directory, 'findByIdentifier' | 'listPeople'>,
  tenantId: string,
  incidentId: string,
  source: IncidentSource,
  now: Date,
): Promise<IncidentPersonRecord[]> {
  const rows: IncidentPersonRecord[] = [];
  const seen = new Set<string>();
  const add = (identifier: string, account: DirectoryAccount | null) => {
    const skip = account === null ? 'not_found' : seen.has(account.id) ? 'duplicate' : !account.enabled ? 'disabled' : null;
    if (account) seen.add(account.id);
    rows.push({
      incidentId, seq: rows.length + 1, identifier, subjectId: account?.id ?? null,
      state: skip ? 'skipped' : 'pending', reason: skip, notes: null, updatedAt: now,
    });
  };
  if (source.kind === 'group') {
    if (source.group.trim() === '') throw new UnlatchError('invalid_request', { field: 'group' });
    if (!directory.listPeople) throw new UnlatchError('invalid_request', { reason: 'directory_cannot_list' }, 'the directories of this tenant cannot list people');
    // The directory is read page by page; only the group's members are kept.
    for await (const account of directory.listPeople(tenantId)) {
      if (inGroup(account, source.group)) add(account.username, account);
    }
    return rows;
  }
  for (const { value } of source.identifiers) {
    add(value, await directory.findByIdentifier(tenantId, normalizeIdentifier(value)));
  }
  return rows;
}
