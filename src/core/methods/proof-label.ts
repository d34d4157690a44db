/**
 * What a proof choice is called, as data and never as words: the portal and the API word it in the person's
 * language (`proof_label.*` in `locales/<lng>/portal.json`). A leaf module, so every layer may read it.
 *
 * - `kind`: the kind's own name, nothing about the person (the first step's choices, security questions).
 * - `names`: the names the person gave their authenticator apps or passkeys.
 * - `masked`: where a code goes, masked (email addresses, a phone number): data, shown as it is.
 * - `left`: how many backup codes are still unused.
 */
export type ProofLabel =
  | { readonly of: 'kind' }
  | { readonly of: 'names'; readonly names: readonly string[] }
  | { readonly of: 'masked'; readonly masked: readonly string[] }
  | { readonly of: 'left'; readonly left: number };

/** The label of a choice named by its kind alone. */
export const KIND_LABEL: ProofLabel = { of: 'kind' };
