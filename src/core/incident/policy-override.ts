/**
 * The stricter-policy fields of an incident's `strict` mode applied to a person's decision: two proofs of
 * different kinds, one of them strong. It never loosens a decision, and leaves SSPR on or off as it was.
 */
export function applyOverride<T extends { requiredMethods: 1 | 2; requireStrong: boolean }>(decision: T, override: { requiredMethods: 2; requireStrong: true } | null): T {
  return override ? { ...decision, requiredMethods: 2, requireStrong: true } : decision;
}
