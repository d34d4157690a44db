import { describeCount, groupByKey, KEY_USAGE_KINDS, type KeyUsageCount, type KeyUsageKind } from '../core/crypto/key-usage.js';
import { printable } from './output.js';

/** What `keys status` and `keys rotate` tell about the ring and what each key still holds. */
export interface KeyReport {
  lines: string[];
  /** Some record names a key that is not in the ring: those records cannot be read or checked. */
  missingKeys: boolean;
}

/**
 * One line per key (the ring's keys newest first, then any key records name that the ring lacks), then what
 * to do: rotate what can be re-sealed, keep keys that still check backup codes, remove keys that hold nothing.
 */
export function keyReport(counts: readonly KeyUsageCount[], ringIds: readonly string[]): KeyReport {
  const byKey = groupByKey(counts);
  const [newest] = ringIds;
  const ids = [...ringIds, ...[...byKey.keys()].filter((id) => !ringIds.includes(id))];
  const lines: string[] = [];
  for (const id of ids) {
    const tag = id === newest ? ' (newest)' : ringIds.includes(id) ? '' : ' (NOT in the ring: these records cannot be read)';
    const kinds = byKey.get(id) ?? new Map<KeyUsageKind, number>();
    const held = [...kinds].map(([kind, n]) => describeCount(kind, n) + (KEY_USAGE_KINDS[kind].resealable ? '' : ' (cannot be re-sealed)'));
    lines.push(`key ${printable(id)}${tag}: ${held.length > 0 ? held.join(', ') : 'nothing'}`);
  }

  const older = ids.filter((id) => id !== newest);
  const resealable = sumWhere(byKey, older, (kind) => KEY_USAGE_KINDS[kind].resealable);
  if (resealable > 0) lines.push(`${resealable === 1 ? '1 record is' : `${resealable} records are`} sealed under older keys: run \`unlatch keys rotate\` to re-seal them under ${printable(newest ?? '')}`);
  const backup = sumWhere(byKey, older, (kind) => kind === 'backup_codes');
  if (backup > 0) lines.push(`${describeCount('backup_codes', backup)} are checked with older keys: keep those keys until their owners regenerate them`);
  const live = sumWhere(byKey, older, (kind) => kind === 'live_codes');
  if (live > 0) lines.push(`${describeCount('live_codes', live)} under older keys (codes run out within minutes)`);
  const free = older.filter((id) => ringIds.includes(id) && !byKey.has(id));
  if (free.length > 0) lines.push(`nothing needs ${free.map(printable).join(', ')} any more: ${free.length === 1 ? 'it' : 'they'} can be removed from secrets.keys`);
  return { lines, missingKeys: ids.some((id) => !ringIds.includes(id)) };
}

function sumWhere(byKey: Map<string, Map<KeyUsageKind, number>>, ids: readonly string[], want: (kind: KeyUsageKind) => boolean): number {
  let sum = 0;
  for (const id of ids) for (const [kind, n] of byKey.get(id) ?? []) if (want(kind)) sum += n;
  return sum;
}
