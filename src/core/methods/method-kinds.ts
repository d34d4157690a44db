import { ACCESS_PASS } from './access_pass/kind.js';
import { BACKUP_CODE } from './backup_code/kind.js';
import { EMAIL_CODE } from './email_code/kind.js';
import { EMAIL_LINK } from './email_link/kind.js';
import type { MethodDescriptor } from './method-descriptor.js';
import { QUESTIONS } from './questions/kind.js';
import { SMS_CODE } from './sms_code/kind.js';
import { TOTP } from './totp/kind.js';
import { WEBAUTHN } from './webauthn/kind.js';

/**
 * Every verification method, listed once, in the order lists of methods are shown when nothing else decides.
 * The kind union, the policy's kinds, the API's enums, the portal's choices and the metrics' labels all derive
 * from this list; a method's behaviour is registered beside it in `registry.ts` (the compiler insists).
 */
export const METHOD_DESCRIPTORS = [EMAIL_CODE, EMAIL_LINK, SMS_CODE, TOTP, WEBAUTHN, BACKUP_CODE, QUESTIONS, ACCESS_PASS] as const;

/** The kinds of verification method a person can register and prove themselves with. */
export type MethodKind = (typeof METHOD_DESCRIPTORS)[number]['kind'];

type KindsOf<T extends readonly { kind: string }[]> = { readonly [I in keyof T]: T[I]['kind'] };

/** Every method kind, in the order of {@link METHOD_DESCRIPTORS} (a tuple, so schemas can enumerate it). */
export const METHOD_KINDS = METHOD_DESCRIPTORS.map((d) => d.kind) as unknown as KindsOf<typeof METHOD_DESCRIPTORS>;

type Descriptor = (typeof METHOD_DESCRIPTORS)[number];
type FirstProofDescriptor = Extract<Descriptor, { firstProof: object }>;

/** A kind a first proof may be. */
export type FirstProofKind = FirstProofDescriptor['kind'];

/** A kind proven with a typed code (the `code` field). */
export type CodeKind = Extract<Descriptor, { input: 'code' }>['kind'];

/** The descriptor of a kind. */
export function descriptorOf(kind: MethodKind): MethodDescriptor {
  return METHOD_DESCRIPTORS.find((d) => d.kind === kind)!;
}

/**
 * The kinds a first proof may be, in the order the first step lists them. The others are second proofs only:
 * a text is sent, and questions are shown, only after a first proof.
 */
export const FIRST_PROOF_KINDS: readonly FirstProofKind[] = METHOD_DESCRIPTORS.filter((d): d is FirstProofDescriptor => 'firstProof' in d)
  .sort((a, b) => a.firstProof.rank - b.firstProof.rank)
  .map((d) => d.kind);

/** The kinds proven with a typed code. */
export const CODE_KINDS: readonly CodeKind[] = METHOD_DESCRIPTORS.filter((d): d is Extract<Descriptor, { input: 'code' }> => d.input === 'code').map((d) => d.kind);

/** Whether a string names a kind. */
export function isMethodKind(value: unknown): value is MethodKind {
  return METHOD_DESCRIPTORS.some((d) => d.kind === value);
}

/** A kind that serves the sign-in to security info (see `MethodDescriptor.signIn`). */
export type SignInKind = Extract<Descriptor, { signIn: string }>['kind'];

/** The kinds that serve the sign-in to security info, in the order the reset's first step lists them, then the rest. */
export const SIGN_IN_KINDS: readonly SignInKind[] = [...FIRST_PROOF_KINDS, ...METHOD_KINDS.filter((k) => !(FIRST_PROOF_KINDS as readonly string[]).includes(k))]
  .filter((kind): kind is SignInKind => descriptorOf(kind).signIn !== undefined);

/** The kinds a person registers through `POST /me/methods`. */
export const REGISTRABLE_KINDS: readonly MethodKind[] = METHOD_KINDS.filter((kind) => descriptorOf(kind).registrable === true);

/** The kinds a person can try out at security info. */
export const TESTABLE_KINDS: readonly MethodKind[] = METHOD_KINDS.filter((kind) => descriptorOf(kind).testable === true);
