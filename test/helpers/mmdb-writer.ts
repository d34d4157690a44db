import { isIPv4 } from 'node:net';

/**
 * A tiny MaxMind DB writer for tests, per the MaxMind DB File Format Specification 2.0
 * (https://maxmind.github.io/MaxMind-DB/): an IPv6 binary search tree with 24-bit records (IPv4 networks live
 * under ::/96, as in GeoLite2), the 16-byte data section separator, the data section, then the metadata after
 * `\xAB\xCD\xEFMaxMind.com`. Enough of the data types for a City database's country and location.
 */

/** One network and where it is. */
export interface MmdbNetwork {
  /** `192.0.2.0/24`, `2001:db8::/32`, or an address (a /32 or /128). */
  cidr: string;
  country: string;
  lat: number;
  lon: number;
}

type Value = string | number | { double: number } | Value[] | { [key: string]: Value };

/**
 * The database's bytes. `ipVersion` 4 (IPv4 networks only): a few hundred bytes for a handful of /8–/24 networks.
 * 6 (default): IPv6 and IPv4 networks; the IPv4 ones sit under ::/96, 96 tree levels down, so about a kilobyte.
 */
export function buildMmdb(networks: readonly MmdbNetwork[], options: { buildEpoch?: number; ipVersion?: 4 | 6 } = {}): Buffer {
  const ipVersion = options.ipVersion ?? 6;
  const data: Buffer[] = [];
  let dataSize = 0;
  const leaves: Array<{ bits: number[]; offset: number }> = [];
  for (const net of networks) {
    const record = encode({
      country: { iso_code: net.country, names: { en: net.country } },
      location: { latitude: { double: net.lat }, longitude: { double: net.lon }, accuracy_radius: 50 },
    });
    leaves.push({ bits: networkBits(net.cidr, ipVersion), offset: dataSize });
    data.push(record);
    dataSize += record.length;
  }

  // The trie: internal nodes have two slots, each another node, a leaf (data offset), or nothing.
  interface TrieNode { children: Array<TrieNode | { offset: number } | null> }
  const root: TrieNode = { children: [null, null] };
  for (const leaf of leaves) {
    let node = root;
    leaf.bits.forEach((bit, depth) => {
      if (depth === leaf.bits.length - 1) {
        node.children[bit] = { offset: leaf.offset };
        return;
      }
      let next = node.children[bit];
      if (!next || 'offset' in next) next = node.children[bit] = { children: [null, null] };
      node = next;
    });
  }
  const nodes: TrieNode[] = [];
  const queue: TrieNode[] = [root];
  while (queue.length > 0) {
    const node = queue.shift()!;
    nodes.push(node);
    for (const child of node.children) if (child && 'children' in child) queue.push(child);
  }
  const index = new Map(nodes.map((n, i) => [n, i]));
  const nodeCount = nodes.length;
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((node, i) => {
    node.children.forEach((child, side) => {
      const value = child === null ? nodeCount : 'offset' in child ? nodeCount + 16 + child.offset : index.get(child)!;
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });

  const metadata = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: options.buildEpoch ?? 1_700_000_000,
    database_type: 'Unlatch-Test-City',
    description: { en: 'Unlatch test database' },
    ip_version: ipVersion,
    languages: ['en'],
    node_count: nodeCount,
    record_size: 24,
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com', 'ascii')]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

/** The network's prefix as bits of the tree's addresses: 32-bit in a v4 tree, 128-bit in a v6 one (IPv4 under ::/96). */
function networkBits(cidr: string, ipVersion: 4 | 6): number[] {
  const [address, prefixText] = cidr.split('/') as [string, string | undefined];
  const v4 = isIPv4(address);
  if (!v4 && ipVersion === 4) throw new Error(`${cidr}: an IPv6 network in an IPv4 database`);
  const mapped = v4 && ipVersion === 6;
  const bytes = v4 ? [...new Array<number>(mapped ? 12 : 0).fill(0), ...address.split('.').map(Number)] : ipv6Bytes(address);
  const prefix = (prefixText === undefined ? (v4 ? 32 : 128) : Number(prefixText)) + (mapped ? 96 : 0);
  const bits: number[] = [];
  for (let i = 0; i < prefix; i += 1) bits.push((bytes[i >> 3]! >> (7 - (i & 7))) & 1);
  return bits;
}

function ipv6Bytes(address: string): number[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** The data section's encoding of one value (maps, UTF-8 strings, unsigned ints, doubles, arrays). */
function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    const bytes = uintBytes(value);
    // uint16 for small values, uint32 up to 2^32, uint64 (extended type 9) beyond.
    if (value < 0x10000) return Buffer.concat([control(5, bytes.length), bytes]);
    if (value < 0x100000000) return Buffer.concat([control(6, bytes.length), bytes]);
    return Buffer.concat([control(9, bytes.length), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  if ('double' in value && typeof value.double === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value.double);
    return Buffer.concat([control(3, 8), bytes]);
  }
  const entries = Object.entries(value as Record<string, Value>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/** A control byte (type, size), with the extended-type byte for types above 7 and the longer sizes. */
function control(type: number, size: number): Buffer {
  const extended = type > 7;
  const head = (extended ? 0 : type) << 5;
  let sizeBytes: number[] = [];
  let low = size;
  if (size >= 29 && size < 285) [low, sizeBytes] = [29, [size - 29]];
  else if (size >= 285) [low, sizeBytes] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  return Buffer.from([head | low, ...(extended ? [type - 7] : []), ...sizeBytes]);
}

function uintBytes(value: number): Buffer {
  const bytes: number[] = [];
  let v = BigInt(value);
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return Buffer.from(bytes);
}
