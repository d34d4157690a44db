import type { Client, Entry } from 'ldapts';

/**
 * Ranged retrieval of a multi-valued attribute (MS-ADTS 3.1.1.3.1.3.3). Active Directory hands out at most
 * MaxValRange values (1500 by default) of one attribute per entry per answer, named with the range sent:
 * `memberOf;range=0-1499`. The rest is asked for range by range (`memberOf;range=1500-2999`, …) until an
 * answer's range ends in `*`. Reading only the first answer would quietly drop a person's other groups.
 */

/** AD's default MaxValRange: the step asked for when nothing else is said. */
export const DEFAULT_RANGE_STEP = 1500;

/** Most rounds before giving up: 10,000 × 1500 values is more than any real group list. */
const MAX_ROUNDS = 10_000;

/** `attribute;range=low-high` as the server answered it (`high` null for `*`: the last part). */
interface RangedPart {
  values: string[];
  low: number;
  high: number | null;
}

/** The request name of the first range: `memberOf;range=0-1499`. */
export function firstRange(attribute: string, step = DEFAULT_RANGE_STEP): string {
  return `${attribute};range=0-${step - 1}`;
}

/**
 * Every value of `attribute` on `entry` (a search answer that asked for it plainly or as {@link firstRange}),
 * fetching further ranges from the entry on `client` while the server says there are more. Values are
 * text. A server that answers a follow-up out of order or without progress makes this throw: a partial list
 * is never returned as the whole.
 */
export async function rangedValues(client: Client, entry: Entry, attribute: string, step = DEFAULT_RANGE_STEP): Promise<string[]> {
  const first = partOf(entry, attribute);
  if (first === null) return [];
  const values = [...first.values];
  let high = first.high;
  for (let round = 0; high !== null; round++) {
    if (round >= MAX_ROUNDS) throw new Error(`ranged read of ${attribute} did not end after ${MAX_ROUNDS} rounds`);
    const low = high + 1;
    const { searchEntries } = await client.search(entry.dn, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: [`${attribute};range=${low}-${low + step - 1}`],
    });
    const next = searchEntries[0] ? partOf(searchEntries[0], attribute) : null;
    // Nothing more named: the values ended exactly at the last range.
    if (next === null) break;
    if (next.low !== low || (next.high !== null && next.high < low)) {
      throw new Error(`ranged read of ${attribute}: asked from ${low}, got ${next.low}-${next.high ?? '*'}`);
    }
    values.push(...next.values);
    high = next.high;
  }
  return values;
}

/**
 * The entry with `attribute` replaced by all its values (plain name, ranged parts gone), so code that
 * reads the plain attribute (`memberOfDns`) sees every value.
 */
export async function withAllValues(client: Client, entry: Entry, attribute: string, step = DEFAULT_RANGE_STEP): Promise<Entry> {
  const values = await rangedValues(client, entry, attribute, step);
  const lower = attribute.toLowerCase();
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => key.split(';')[0]!.toLowerCase() !== lower || key === 'dn'));
  return { ...rest, dn: entry.dn, [attribute]: values };
}

const RANGE = /^range=(\d+)-(\d+|\*)$/i;

/**
 * What the answer holds of `attribute`: the plain attribute (all values, no range), or its ranged part.
 * Keys ldapts adds for requested attributes the server did not return (empty lists) count as absent.
 */
function partOf(entry: Entry, attribute: string): RangedPart | null {
  const lower = attribute.toLowerCase();
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const [name, option] = key.split(';', 2) as [string, string | undefined];
    if (name.toLowerCase() !== lower) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    if (values.length === 0) continue;
    if (option === undefined) return { values, low: 0, high: null };
    const m = RANGE.exec(option);
    if (!m) continue;
    return { values, low: Number(m[1]), high: m[2] === '*' ? null : Number(m[2]) };
  }
  return null;
}
