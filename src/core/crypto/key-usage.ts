/**
 * What each master key still protects, and what that means for removing it. Pure: the counts come from the
 * store (`src/adapters/store/key-usage.ts`); this file names them and words the refusal.
 */

/**
 * One kind of record made under a key. Sealed kinds (AES-GCM, `v1.<keyId>.…`) can be re-sealed under the
 * newest key by `unlatch keys rotate`; HMAC kinds cannot (the MAC cannot be re-made without the code).
 */
export type KeyUsageKind =
  | 'authenticator_seeds'
  | 'security_answers'
  | 'contact_codes'
  | 'other_secrets'
  | 'queued_messages'
  | 'backup_codes'
  | 'live_codes';

/** How many records of one kind one key still protects. */
export interface KeyUsageCount {
  keyId: string;
  kind: KeyUsageKind;
  count: number;
}

interface KindInfo {
  /** Re-sealable by `unlatch keys rotate`. */
  resealable: boolean;
  singular: string;
  plural: string;
}

/** Every kind, in the order reports list them. */
export const KEY_USAGE_KINDS: Readonly<Record<KeyUsageKind, KindInfo>> = {
  authenticator_seeds: { resealable: true, singular: 'authenticator seed', plural: 'authenticator seeds' },
  security_answers: { resealable: true, singular: 'set of security-question answers', plural: 'sets of security-question answers' },
  contact_codes: { resealable: true, singular: 'pending contact code', plural: 'pending contact codes' },
  other_secrets: { resealable: true, singular: 'other method secret', plural: 'other method secrets' },
  queued_messages: { resealable: true, singular: 'queued message', plural: 'queued messages' },
  backup_codes: { resealable: false, singular: 'unused backup code', plural: 'unused backup codes' },
  live_codes: { resealable: false, singular: 'live code', plural: 'live codes' },
};

/** Kinds in report order. */
export const KEY_USAGE_ORDER = Object.keys(KEY_USAGE_KINDS) as KeyUsageKind[];

/** The usage kind of a sealed `methods.secret`, by the method's kind. */
export function methodSecretKind(methodKind: string): KeyUsageKind {
  if (methodKind === 'totp') return 'authenticator_seeds';
  if (methodKind === 'questions') return 'security_answers';
  if (methodKind === 'sms_code' || methodKind === 'email_code') return 'contact_codes';
  return 'other_secrets';
}

/** "3 authenticator seeds", "1 queued message". */
export function describeCount(kind: KeyUsageKind, count: number): string {
  const info = KEY_USAGE_KINDS[kind];
  return `${count} ${count === 1 ? info.singular : info.plural}`;
}

/** Counts per key id, kinds in report order, zero counts left out; key ids in first-seen order. */
export function groupByKey(counts: readonly KeyUsageCount[]): Map<string, Map<KeyUsageKind, number>> {
  const byKey = new Map<string, Map<KeyUsageKind, number>>();
  for (const { keyId, kind, count } of counts) {
    if (count <= 0) continue;
    const kinds = byKey.get(keyId) ?? new Map<KeyUsageKind, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + count);
    byKey.set(keyId, kinds);
  }
  for (const [keyId, kinds] of byKey) {
    byKey.set(keyId, new Map(KEY_USAGE_ORDER.filter((k) => kinds.has(k)).map((k) => [k, kinds.get(k)!])));
  }
  return byKey;
}

/**
 * Why the app must not start with this key ring, or null when it may: every key that records still name
 * but that is no longer in `ringIds`, with what it still protects and what to do. Wording of the config
 * error: "config: secrets.keys: key 'k1' was removed but still seals 3 authenticator seeds …".
 */
export function removedKeyProblem(counts: readonly KeyUsageCount[], ringIds: readonly string[]): string | null {
  const problems: string[] = [];
  for (const [keyId, kinds] of groupByKey(counts)) {
    if (ringIds.includes(keyId)) continue;
    const sealed = [...kinds].filter(([kind]) => KEY_USAGE_KINDS[kind].resealable).map(([kind, n]) => describeCount(kind, n));
    const macs = [...kinds].filter(([kind]) => !KEY_USAGE_KINDS[kind].resealable).map(([kind, n]) => describeCount(kind, n));
    const holds = [sealed.length > 0 ? `still seals ${joinAnd(sealed)}` : '', macs.length > 0 ? `still checks ${joinAnd(macs)}` : ''].filter(Boolean);
    const advice = [sealed.length > 0 ? 'put it back and run `unlatch keys rotate` first' : 'put it back'];
    if (kinds.has('backup_codes')) advice.push('backup codes cannot be re-sealed: keep the key until their owners regenerate them');
    if (kinds.has('live_codes')) advice.push('live codes run out within minutes');
    problems.push(`key '${keyId}' was removed but ${holds.join(' and ')}; ${advice.join('; ')}`);
  }
  return problems.length === 0 ? null : `config: secrets.keys: ${problems.join('. ')}`;
}

function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
