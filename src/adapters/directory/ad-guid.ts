/**
 * objectGUID ↔ the string form Unlatch stores as an account id.
 *
 * AD holds objectGUID as 16 raw bytes. Its usual text form (what PowerShell's `Get-ADUser` and
 * `<GUID=…>` DNs show) reads the first three fields little-endian: bytes 3 2 1 0 - 5 4 - 7 6 - 8 9 - 10…15.
 * Using that form keeps the id recognisable to an AD administrator reading an audit entry.
 */

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Byte positions of the 16 raw bytes, in the order their hex digits appear in the text form.
const TEXT_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;

/** The lowercase text form of a raw objectGUID, e.g. `8595ec2f-0c89-4da2-b79c-56321e51bc70`. */
export function guidToString(raw: Buffer): string {
  if (raw.length !== 16) throw new RangeError(`objectGUID must be 16 bytes, got ${raw.length}`);
  const hex = TEXT_ORDER.map((i) => raw[i]!.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The raw bytes of a GUID in text form; null for anything that is not one (an id from another directory). */
export function guidFromString(text: string): Buffer | null {
  const normalized = text.toLowerCase();
  if (!GUID_TEXT.test(normalized)) return null;
  const hex = normalized.replaceAll('-', '');
  const raw = Buffer.alloc(16);
  TEXT_ORDER.forEach((byteIndex, position) => {
    raw[byteIndex] = Number.parseInt(hex.slice(position * 2, position * 2 + 2), 16);
  });
  return raw;
}
