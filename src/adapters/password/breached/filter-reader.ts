import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  FilterFormatError,
  INDEX_ENTRY_BYTES,
  checkIndex,
  decodeHeader,
  decodeIndexEntry,
  headerForChecksum,
  type FilterHeader,
  type PartitionEntry,
} from '../../../core/password/breached/filter-format.js';
import { slotsOf } from '../../../core/password/breached/fuse-layout.js';
import { fingerprintOf, partitionOf, wordsOfDigest } from '../../../core/password/breached/hash-words.js';
import { ntHash } from '../../../core/password/breached/md4.js';

export { FilterFormatError };

/** Filters up to this size are read into memory whole: a system call per probe costs more than the bytes. */
export const HOLD_IN_MEMORY_BYTES = 4 * 1024 * 1024;

/**
 * An open filter file. The header and the partition index (32 bytes a partition: 32 KB for a billion entries)
 * are read into memory; the fingerprints are not. Each lookup reads the key's three bytes with positioned reads
 * (`readSync` at an offset), so the ~1.1 GB file stays out of the heap and the OS page cache keeps the hot pages.
 * (Node has no mmap; a native addon would need prebuilt binaries.) A small filter (an organisation's own list, up
 * to {@link HOLD_IN_MEMORY_BYTES}) is read whole and probed in memory; the answers are the same.
 */
export class FilterReader {
  readonly header: FilterHeader;
  readonly fileSize: number;
  private readonly index: PartitionEntry[];
  private fd: number | null;
  /** The whole file, for a small filter; null: positioned reads. */
  private readonly bytes: Buffer | null;
  private readonly slots = new Uint32Array(3);
  private readonly byte = Buffer.alloc(1);

  private constructor(fd: number, header: FilterHeader, index: PartitionEntry[], fileSize: number, bytes: Buffer | null) {
    this.fd = fd;
    this.header = header;
    this.index = index;
    this.fileSize = fileSize;
    this.bytes = bytes;
  }

  /** Whether lookups are served from memory (a small filter) rather than by positioned reads. */
  get inMemory(): boolean {
    return this.bytes !== null;
  }

  /**
   * Opens and checks a filter file; throws FilterFormatError (or the fs error) naming what is wrong.
   * `holdInMemoryBytes`: the largest file read whole (0: always positioned reads).
   */
  static open(path: string, options: { holdInMemoryBytes?: number } = {}): FilterReader {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const first = readExactly(fd, 0, Math.min(size, 48));
      const fixed = decodeHeader(first);
      const indexBytes = fixed.partitionCount * INDEX_ENTRY_BYTES;
      if (size < fixed.headerLength + indexBytes) throw new FilterFormatError(`the file is ${size} bytes, shorter than its own header and index (truncated?)`);
      const headerBytes = readExactly(fd, 0, fixed.headerLength);
      const header = decodeHeader(headerBytes);
      const indexRaw = readExactly(fd, header.headerLength, indexBytes);
      const sum = crc32(indexRaw, crc32(headerForChecksum(headerBytes)));
      if (sum !== header.checksum) throw new FilterFormatError('the header or partition index is damaged (checksum mismatch)');
      const index = Array.from({ length: header.partitionCount }, (_, i) => decodeIndexEntry(indexRaw, i * INDEX_ENTRY_BYTES));
      checkIndex(header, index, size);
      const bytes = size <= (options.holdInMemoryBytes ?? HOLD_IN_MEMORY_BYTES) ? readExactly(fd, 0, size) : null;
      return new FilterReader(fd, header, index, size, bytes);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Membership of a digest of the filter's kind (SHA-1: 20 bytes, NT hash: 16). */
  hasDigest(digest: Uint8Array): boolean {
    if (this.fd === null) throw new Error('breached-password filter is closed');
    const { w0, w1, w2, w3 } = wordsOfDigest(digest);
    const entry = this.index[partitionOf(w0, this.header.partitionBits)]!;
    if (entry.keyCount === 0) return false;
    slotsOf(w1, w2, w3, entry, this.slots);
    let x = 0;
    for (let j = 0; j < 3; j++) x ^= this.byteAt(entry.offset + this.slots[j]!);
    return x === fingerprintOf(w0);
  }

  /** Membership of a password: SHA-1 of its UTF-8 bytes, or its NT hash for an NTLM filter. */
  hasPassword(password: string): boolean {
    return this.hasDigest(this.header.kind === 'ntlm' ? ntHash(password) : createHash('sha1').update(password, 'utf8').digest());
  }

  private byteAt(position: number): number {
    if (this.bytes) return this.bytes[position]!;
    readSync(this.fd!, this.byte, 0, 1, position);
    return this.byte[0]!;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

function readExactly(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new FilterFormatError('the file ends early (truncated?)');
    done += n;
  }
  return buffer;
}
