/**
 * Identifiers are normalized once, before lookup and before rate-limit keys:
 * Unicode NFKC (so look-alike compatibility forms meet), trimmed, case-folded.
 */
export function normalizeIdentifier(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}
