import type { FuseLayout } from './fuse-layout.js';

/**
 * The breached-password filter file, all integers little-endian:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic `ULBREACH` |
 * | 8 | 2 | format version (1) |
 * | 10 | 2 | kind: 1 = SHA-1, 2 = NTLM |
 * | 12 | 4 | partition bits P (partitions are chosen by the first P bits of the hash) |
 * | 16 | 4 | partition count (2^P) |
 * | 20 | 4 | header length H (this table plus the source text, padded to 8 bytes) |
 * | 24 | 8 | entry count (distinct hashes) |
 * | 32 | 8 | created, milliseconds since 1970 |
 * | 40 | 4 | CRC-32 of the header (this field as zero) and the partition index |
 * | 44 | 4 | source text length in bytes (UTF-8, at most 1024) |
 * | 48 | … | source text (what was imported) |
 * | H | 32 × count | partition index: offset (8), keys (4), seed (4), segment length (4), segment count length (4), fingerprint bytes (4), reserved (4) |
 * | … | … | the partitions' fingerprints, in partition order, back to back |
 */
export const FILTER_MAGIC = 'ULBREACH';
export const FILTER_VERSION = 1;
export const INDEX_ENTRY_BYTES = 32;
export const MAX_SOURCE_BYTES = 1024;
export const MAX_PARTITION_BITS = 20;
const FIXED_HEADER_BYTES = 48;
const CHECKSUM_OFFSET = 40;

export type BreachedKind = 'sha1' | 'ntlm';
const KIND_CODES: Record<BreachedKind, number> = { sha1: 1, ntlm: 2 };

export interface FilterHeader {
  kind: BreachedKind;
  partitionBits: number;
  partitionCount: number;
  headerLength: number;
  entryCount: number;
  createdAt: Date;
  checksum: number;
  source: string;
}

/** One partition's place in the file and the layout to find its keys' slots. */
export interface PartitionEntry extends FuseLayout {
  offset: number;
}

export class FilterFormatError extends Error {}

const encoder = new TextEncoder();

/** The header length for a source text, padded so the index starts 8-byte aligned. */
export function headerLengthFor(source: string): number {
  const bytes = Math.min(encoder.encode(source).length, MAX_SOURCE_BYTES);
  return Math.ceil((FIXED_HEADER_BYTES + bytes) / 8) * 8;
}

/** Where the first partition's fingerprints start. */
export function dataOffset(headerLength: number, partitionCount: number): number {
  return headerLength + partitionCount * INDEX_ENTRY_BYTES;
}

export function encodeHeader(h: Omit<FilterHeader, 'headerLength' | 'checksum'> & { checksum?: number }): Uint8Array {
  let sourceBytes = encoder.encode(h.source);
  if (sourceBytes.length > MAX_SOURCE_BYTES) sourceBytes = sourceBytes.subarray(0, MAX_SOURCE_BYTES);
  const out = new Uint8Array(Math.ceil((FIXED_HEADER_BYTES + sourceBytes.length) / 8) * 8);
  const v = new DataView(out.buffer);
  out.set(encoder.encode(FILTER_MAGIC), 0);
  v.setUint16(8, FILTER_VERSION, true);
  v.setUint16(10, KIND_CODES[h.kind], true);
  v.setUint32(12, h.partitionBits, true);
  v.setUint32(16, h.partitionCount, true);
  v.setUint32(20, out.length, true);
  v.setBigUint64(24, BigInt(h.entryCount), true);
  v.setBigUint64(32, BigInt(h.createdAt.getTime()), true);
  v.setUint32(CHECKSUM_OFFSET, h.checksum ?? 0, true);
  v.setUint32(44, sourceBytes.length, true);
  out.set(sourceBytes, FIXED_HEADER_BYTES);
  return out;
}

/** Reads the fixed part; `bytes` must hold at least the first 48 bytes (then `headerLength` tells the rest). */
export function decodeHeader(bytes: Uint8Array): FilterHeader {
  if (bytes.length < FIXED_HEADER_BYTES) throw new FilterFormatError('the file is too short to be a breached-password filter');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== FILTER_MAGIC) throw new FilterFormatError('not a breached-password filter (wrong magic bytes); build one with `unlatch breached import`');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint16(8, true);
  if (version !== FILTER_VERSION) throw new FilterFormatError(`filter format version ${version} is not supported (this Unlatch reads version ${FILTER_VERSION}); rebuild it with \`unlatch breached import\``);
  const kindCode = v.getUint16(10, true);
  const kind = (Object.keys(KIND_CODES) as BreachedKind[]).find((k) => KIND_CODES[k] === kindCode);
  if (!kind) throw new FilterFormatError(`unknown filter kind ${kindCode}`);
  const partitionBits = v.getUint32(12, true);
  const partitionCount = v.getUint32(16, true);
  if (partitionBits > MAX_PARTITION_BITS || partitionCount !== 2 ** partitionBits) throw new FilterFormatError('the partition count does not match the partition bits');
  const headerLength = v.getUint32(20, true);
  const sourceLength = v.getUint32(44, true);
  if (sourceLength > MAX_SOURCE_BYTES || headerLength !== Math.ceil((FIXED_HEADER_BYTES + sourceLength) / 8) * 8) throw new FilterFormatError('the header length is inconsistent');
  const source = bytes.length >= FIXED_HEADER_BYTES + sourceLength ? new TextDecoder().decode(bytes.subarray(FIXED_HEADER_BYTES, FIXED_HEADER_BYTES + sourceLength)) : '';
  return {
    kind,
    partitionBits,
    partitionCount,
    headerLength,
    entryCount: Number(v.getBigUint64(24, true)),
    createdAt: new Date(Number(v.getBigUint64(32, true))),
    checksum: v.getUint32(CHECKSUM_OFFSET, true),
    source,
  };
}

/** The header bytes as they enter the checksum (checksum field zeroed). */
export function headerForChecksum(header: Uint8Array): Uint8Array {
  const copy = header.slice();
  new DataView(copy.buffer).setUint32(CHECKSUM_OFFSET, 0, true);
  return copy;
}

export function encodeIndexEntry(e: PartitionEntry): Uint8Array {
  const out = new Uint8Array(INDEX_ENTRY_BYTES);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(e.offset), true);
  v.setUint32(8, e.keyCount, true);
  v.setUint32(12, e.seed, true);
  v.setUint32(16, e.segmentLength, true);
  v.setUint32(20, e.segmentCountLength, true);
  v.setUint32(24, e.arrayLength, true);
  return out;
}

export function decodeIndexEntry(bytes: Uint8Array, at: number): PartitionEntry {
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, INDEX_ENTRY_BYTES);
  return {
    offset: Number(v.getBigUint64(0, true)),
    keyCount: v.getUint32(8, true),
    seed: v.getUint32(12, true),
    segmentLength: v.getUint32(16, true),
    segmentCountLength: v.getUint32(20, true),
    arrayLength: v.getUint32(24, true),
  };
}

/**
 * Checks that the index describes the file: partitions back to back from the end of the index, each layout
 * self-consistent, the key counts adding up to the header's, the last partition ending at the end of the file.
 */
export function checkIndex(header: FilterHeader, index: readonly PartitionEntry[], fileSize: number): void {
  let expected = dataOffset(header.headerLength, header.partitionCount);
  let keys = 0;
  for (const [i, e] of index.entries()) {
    const bad = (why: string) => new FilterFormatError(`partition ${i}: ${why}`);
    if (e.offset !== expected) throw bad('does not start where the previous one ends');
    if (e.keyCount === 0 ? e.arrayLength !== 0 : e.segmentLength < 1 || (e.segmentLength & (e.segmentLength - 1)) !== 0 || e.segmentCountLength % e.segmentLength !== 0 || e.arrayLength !== e.segmentCountLength + 2 * e.segmentLength) {
      throw bad('its layout is inconsistent');
    }
    expected += e.arrayLength;
    keys += e.keyCount;
  }
  if (keys !== header.entryCount) throw new FilterFormatError('the partitions hold a different number of entries than the header says');
  if (expected !== fileSize) throw new FilterFormatError(`the file is ${fileSize} bytes but its index describes ${expected} (truncated or appended to)`);
}
