/**
 * What everything outside a method's own folder needs to know about it, as plain data: its kind, how its
 * proofs count, where it may appear, and what a client sends to prove it. Each folder under
 * `src/core/methods/<kind>/` exports one in `kind.ts`; `method-kinds.ts` lists them once. A leaf module: it
 * imports nothing, so the list (and the `MethodKind` union derived from it) can be read by every layer.
 */
export interface MethodDescriptor {
  /** The stable name in the API, the store, the audit trail and the configuration. */
  readonly kind: string;
  /**
   * Proofs of one family count once (see `methodFamily`): an emailed code and an emailed link both prove only
   * control of the same mailbox.
   */
  readonly family: string;
  /**
   * Where the reset's first step lists it (lower first); absent when it is a second proof only (a text is sent,
   * or questions shown, only after a proof). Its words are the catalogue's (`proof_label.kind.<kind>`), in the
   * person's language: core holds no sentence.
   */
  readonly firstProof?: { readonly rank: number };
  /** Where it appears among a second proof's choices (lower first). */
  readonly choiceRank: number;
  /** The field of a proof that carries it: a typed `code`, a WebAuthn `credential`, a link's `token`, or `answers`. */
  readonly input: 'code' | 'credential' | 'token' | 'answers';
  /**
   * For a typed code, its shape, checked loosely before it costs an attempt (the same for every account):
   * digits of the reset's configured length, digits of a fixed length, or letters and digits (upper-cased).
   */
  readonly codeShape?: { readonly chars: 'digits'; readonly length: number | 'configured' } | { readonly chars: 'alphanumeric'; readonly length: number };
  /**
   * How it serves the sign-in to security info after the password: `step_up` (once registered it must be proven),
   * `fallback` (asked for only when nothing stronger is registered), or absent (not at sign-in).
   */
  readonly signIn?: 'step_up' | 'fallback';
  /**
   * A proof of it honours a person's strongest factor though the policy does not list it as strong (see
   * `honourStrongest`): a backup code (made by the person, the lost-factor path), a temporary access pass.
   */
  readonly honoursStrongest?: boolean;
  /** A proof of it completes a reset's proofs on its own, whatever the policy asks (a temporary access pass). */
  readonly completesAlone?: boolean;
  /** A person registers it at security info through `POST /me/methods` (passkeys and questions have their own routes). */
  readonly registrable?: boolean;
  /** A registered one can be tried out at security info without spending anything. */
  readonly testable?: boolean;
}
