import { randomInt } from 'node:crypto';
import type { KeyRing } from '../../crypto/key-ring.js';

/**
 * Backup codes: a set of single-use codes shown once at registration and stored only as HMACs
 * under the key ring (purpose `code-hmac`), so a database leak does not leak usable codes and a
 * rotated key still verifies old sets.
 */

/** Characters a code is made of: no 0/O, 1/I/L, which people misread when typing from paper. */
export const BACKUP_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Characters per code: 31^12 ≈ 2^59.5 possibilities, well over the 50 bits a long-lived code wants. */
export const BACKUP_CODE_LENGTH = 12;

/** Codes in a set unless the caller asks otherwise. */
export const DEFAULT_BACKUP_CODE_COUNT = 10;

const MAX_BACKUP_CODE_COUNT = 100;

// Longer input is refused before any normalisation work; a real code with separators is 11 characters.
const MAX_INPUT_LENGTH = 64;

// Whitespace and the dashes people (or word processors) put between the halves.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

const VALID = new RegExp(`^[${BACKUP_CODE_ALPHABET}]{${BACKUP_CODE_LENGTH}}$`);

/** A fresh set of distinct codes, formatted for display (`ABCDEF-GHJKMN`). Show once; store only `hashBackupCode`. */
export function newBackupCodes(count: number = DEFAULT_BACKUP_CODE_COUNT): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_BACKUP_CODE_COUNT) {
    throw new RangeError(`backup code count must be an integer from 1 to ${MAX_BACKUP_CODE_COUNT}`);
  }
  const codes = new Set<string>();
  while (codes.size < count) {
    let code = '';
    // randomInt draws without modulo bias, so every character carries log2(31) bits.
    for (let i = 0; i < BACKUP_CODE_LENGTH; i++) code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
    codes.add(code);
  }
  return [...codes].map(formatBackupCode);
}

/** `ABCDEFGHJKMN` → `ABCDEF-GHJKMN`. */
export function formatBackupCode(normalized: string): string {
  const half = Math.ceil(normalized.length / 2);
  return `${normalized.slice(0, half)}-${normalized.slice(half)}`;
}

/** The canonical form that is hashed: upper case, spaces and dashes removed; null when it cannot be a backup code. */
export function normalizeBackupCode(input: string): string | null {
  if (input.length > MAX_INPUT_LENGTH) return null;
  const code = input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
  return VALID.test(code) ? code : null;
}

// A prefix of its own keeps these MACs apart from the emailed codes' (`<flowId>:<code>`) under the same subkey.
function macMessage(normalized: string): string {
  return `backup-code:${normalized}`;
}

/** What to store for one code: the digest and the id of the key it was made with. */
export function hashBackupCode(keys: KeyRing, normalized: string): { keyId: string; digest: string } {
  return keys.mac('code-hmac', macMessage(normalized));
}

/** One stored code of a person's current set. */
export interface StoredBackupCode {
  id: string;
  keyId: string;
  digest: string;
  /** When it was spent; a spent code never verifies again. */
  usedAt: Date | null;
}

/**
 * `malformed`: not shaped like a code; `wrong`: matches none; `used`: matches a code already spent.
 */
export type BackupCodeRejection = 'malformed' | 'wrong' | 'used';

/** On success the caller marks `id` used (atomically, e.g. `UPDATE … WHERE id = ? AND used_at IS NULL`). */
export type MatchBackupCodeResult = { ok: true; id: string } | { ok: false; reason: BackupCodeRejection };

/** Checks typed input against every stored code of the set. */
export function matchBackupCode(keys: KeyRing, input: string, stored: readonly StoredBackupCode[]): MatchBackupCodeResult {
  const normalized = normalizeBackupCode(input);
  if (normalized === null) return { ok: false, reason: 'malformed' };
  const message = macMessage(normalized);
  let unused: string | null = null;
  let used = false;
  // Every row is checked (a constant-time HMAC compare each) with no early exit, so the time taken
  // says nothing about which code, if any, matched.
  for (const code of stored) {
    const matches = keys.verifyMac('code-hmac', code.keyId, message, code.digest);
    if (!matches) continue;
    if (code.usedAt === null) unused ??= code.id;
    else used = true;
  }
  if (unused !== null) return { ok: true, id: unused };
  return { ok: false, reason: used ? 'used' : 'wrong' };
}
