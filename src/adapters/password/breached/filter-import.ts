import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  INDEX_ENTRY_BYTES,
  MAX_PARTITION_BITS,
  dataOffset,
  decodeIndexEntry,
  encodeHeader,
  encodeIndexEntry,
  headerForChecksum,
  headerLengthFor,
  type BreachedKind,
  type PartitionEntry,
} from '../../../core/password/breached/filter-format.js';
import { FuseBuilder, type PartitionKeys } from '../../../core/password/breached/fuse-build.js';
import { HEX_DIGITS, fingerprintOf, parseHexWords, partitionOf } from '../../../core/password/breached/hash-words.js';
import { CHUNK_BYTES, averageLineBytes, listInput, readLines, type ImportInput } from './import-input.js';
import { inputIdentity, loadState, partialPathOf, progressPathOf, saveState, type ImportState } from './import-state.js';

export interface ImportOptions {
  /** The ordered `HASH:count` file, or the downloader's folder of range files. */
  input: string;
  /** The filter file to write (atomically replaced at the end). */
  output: string;
  kind: BreachedKind;
  /** Partitions = 2^bits; default: about a million entries a partition, estimated from the input's size. */
  partitionBits?: number;
  now?: () => Date;
  /** Called after every chunk read (4 MB) and every partition written. */
  onProgress?: (p: ImportProgress) => void;
  /** One-line notices: resuming, starting over and why. */
  onNotice?: (line: string) => void;
}

export interface ImportProgress {
  /** 0…1: by bytes for one file, by files for a folder. */
  fraction: number;
  /** The fraction already done when this run started (a resumed import). */
  startFraction: number;
  /** Distinct hashes read in this run. */
  entries: number;
  elapsedMs: number;
}

export interface ImportResult {
  entries: number;
  partitions: number;
  bytes: number;
  /** The partition a resumed run continued from; null when it started from the beginning. */
  resumedAt: number | null;
}

/** Default partition size: a million keys keeps the layout at its best (1.125 slots a key) and the build in ~40 MB. */
const TARGET_KEYS_PER_PARTITION = 2 ** 20;

export class ImportInputError extends Error {}

/** Streams the list once and writes the filter; see docs/breached-passwords.md for the file format and resuming. */
export async function importBreachedList(options: ImportOptions): Promise<ImportResult> {
  const now = options.now ?? (() => new Date());
  const input = await listInput(options.input);
  const digits = HEX_DIGITS[options.kind];
  if (options.partitionBits !== undefined && (!Number.isInteger(options.partitionBits) || options.partitionBits < 0 || options.partitionBits > MAX_PARTITION_BITS)) {
    throw new ImportInputError(`partition bits must be an integer from 0 to ${MAX_PARTITION_BITS}`);
  }
  const loaded = await loadState(options.output, input, options.kind, options.partitionBits);
  if (loaded.reason) options.onNotice?.(`starting over: ${loaded.reason}`);
  const state: ImportState = loaded.state ?? (await freshState(input, options));
  const resumedAt = loaded.state ? state.partitionsDone : null;
  const partitionCount = 2 ** state.partitionBits;
  const headerLength = headerLengthFor(state.source);
  const partial = partialPathOf(options.output);
  const out = await open(partial, loaded.state ? 'r+' : 'w+');
  try {
    const index: PartitionEntry[] = [];
    if (loaded.state) {
      await out.truncate(state.outputOffset);
      const raw = Buffer.alloc(state.partitionsDone * INDEX_ENTRY_BYTES);
      await out.read(raw, 0, raw.length, headerLength);
      for (let p = 0; p < state.partitionsDone; p++) index.push(decodeIndexEntry(raw, p * INDEX_ENTRY_BYTES));
      options.onNotice?.(`resuming at partition ${state.partitionsDone} of ${partitionCount} (${state.entries} entries already in ${partial})`);
    } else {
      await out.truncate(dataOffset(headerLength, partitionCount));
      state.outputOffset = dataOffset(headerLength, partitionCount);
    }

    const writer = new PartitionWriter(out, headerLength, index, state, options.output);
    const startFraction = fractionAt(input, state.position.file, state.position.offset);
    const started = Date.now();
    let runEntries = 0;
    const report = (file: number, offset: number) =>
      options.onProgress?.({ fraction: fractionAt(input, file, offset), startFraction, entries: runEntries, elapsedMs: Date.now() - started });

    const words = new Uint32Array(5);
    const previous = new Uint32Array(5);
    let havePrevious = false;
    const wordCount = digits / 8;
    const joined = Buffer.alloc(digits);
    let lineNumber = 0;
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (let f = state.position.file; f < input.files.length; f++) {
      const file = input.files[f]!;
      lineNumber = 0;
      const from = f === state.position.file ? state.position.offset : 0;
      const where = () => `${input.folder ? file.path : 'the input'}, line ${lineNumber}${from > 0 ? ' after the resume point' : ''}`;
      await readLines(
        file,
        from,
        (bytes, start, end, offset) => {
          lineNumber++;
          if (end <= start) return;
          const colon = bytes.indexOf(58, start);
          const hexEnd = colon === -1 || colon > end ? end : colon;
          const length = hexEnd - start;
          let ok: boolean;
          if (length === digits) {
            ok = parseHexWords(bytes, start, digits, words);
          } else if (file.prefix !== null && length === digits - 5) {
            joined.write(file.prefix, 0, 'latin1');
            (bytes as Buffer).copy(joined, 5, start, hexEnd);
            ok = parseHexWords(joined, 0, digits, words);
          } else {
            throw new ImportInputError(`${where()}: expected ${digits} hex digits${file.prefix ? ` (or ${digits - 5} after the range file's 5-digit name)` : ''} then ":count" — is this the ${options.kind === 'sha1' ? 'SHA-1' : 'NTLM'} list?`);
          }
          if (!ok) throw new ImportInputError(`${where()}: not a hex hash`);
          if (havePrevious) {
            const order = compareWords(words, previous, wordCount);
            if (order === 0) return; // the same hash twice: counted once
            if (order < 0) throw new ImportInputError(`${where()}: the input is not sorted by hash (this hash comes before the previous line's); the import needs the ordered list as the downloader writes it`);
          }
          previous.set(words);
          havePrevious = true;
          const partition = partitionOf(words[0]!, state.partitionBits);
          if (partition !== writer.current) {
            return writer.finishUntil(partition, { file: f, offset }).then(() => {
              report(f, offset);
              writer.push(words);
              runEntries++;
            });
          }
          writer.push(words);
          runEntries++;
        },
        (position) => report(f, position),
        chunk,
      );
    }
    await writer.finishUntil(partitionCount, { file: input.files.length, offset: 0 });
    if (state.entries === 0) throw new ImportInputError('the input holds no hashes');

    const header = { kind: options.kind, partitionBits: state.partitionBits, partitionCount, entryCount: state.entries, createdAt: now(), source: state.source };
    const indexBytes = Buffer.concat(index.map(encodeIndexEntry));
    const checksum = crc32(indexBytes, crc32(headerForChecksum(encodeHeader(header))));
    await out.write(encodeHeader({ ...header, checksum }), 0, undefined, 0);
    await out.write(indexBytes, 0, indexBytes.length, headerLength);
    await out.sync();
    await out.close();
    // The atomic step: a server watching `output` sees the old file or the complete new one, never a half.
    await rename(partial, options.output);
    await syncFolder(dirname(options.output));
    await rm(progressPathOf(options.output), { force: true });
    report(input.files.length, 0);
    return { entries: state.entries, partitions: partitionCount, bytes: state.outputOffset, resumedAt };
  } finally {
    await out.close().catch(() => {});
  }
}

async function freshState(input: ImportInput, options: ImportOptions): Promise<ImportState> {
  let bits = options.partitionBits;
  if (bits === undefined) {
    const estimate = input.totalBytes / (await averageLineBytes(input));
    bits = Math.min(MAX_PARTITION_BITS, Math.max(0, Math.round(Math.log2(estimate / TARGET_KEYS_PER_PARTITION))));
  }
  const what = input.folder ? `folder ${input.path} (${input.files.length} files)` : `file ${input.path}`;
  return {
    version: 1,
    kind: options.kind,
    input: inputIdentity(input),
    partitionBits: bits,
    source: `${options.kind === 'sha1' ? 'SHA-1' : 'NTLM'} list, ${what}, ${input.totalBytes} bytes`,
    partitionsDone: 0,
    outputOffset: 0,
    entries: 0,
    position: { file: 0, offset: 0 },
  };
}

/** Collects one partition's keys, builds and writes it, and records progress after each. */
class PartitionWriter {
  current: number;
  private keys: PartitionKeys = { count: 0, w1: new Uint32Array(1024), w2: new Uint32Array(1024), w3: new Uint32Array(1024), fingerprint: new Uint8Array(1024) };
  private readonly builder = new FuseBuilder();
  private readonly out: FileHandle;
  private readonly headerLength: number;
  private readonly index: PartitionEntry[];
  private readonly state: ImportState;
  private readonly output: string;

  constructor(out: FileHandle, headerLength: number, index: PartitionEntry[], state: ImportState, output: string) {
    this.out = out;
    this.headerLength = headerLength;
    this.index = index;
    this.state = state;
    this.output = output;
    this.current = state.partitionsDone;
  }

  push(words: Uint32Array): void {
    if (this.keys.count === this.keys.w1.length) this.grow();
    const k = this.keys;
    k.w1[k.count] = words[1]!;
    k.w2[k.count] = words[2]!;
    k.w3[k.count] = words[3]!;
    k.fingerprint[k.count] = fingerprintOf(words[0]!);
    k.count++;
  }

  private grow(): void {
    const k = this.keys;
    const size = k.w1.length * 2;
    const w1 = new Uint32Array(size);
    const w2 = new Uint32Array(size);
    const w3 = new Uint32Array(size);
    const fingerprint = new Uint8Array(size);
    w1.set(k.w1);
    w2.set(k.w2);
    w3.set(k.w3);
    fingerprint.set(k.fingerprint);
    this.keys = { count: k.count, w1, w2, w3, fingerprint };
  }

  /** Writes the current partition and empty ones up to `next`, then saves the state pointing at `position`. */
  async finishUntil(next: number, position: ImportState['position']): Promise<void> {
    const first = this.current;
    while (this.current < next) {
      const { layout, fingerprints } = this.builder.build(this.current === first ? this.keys : { ...this.keys, count: 0 });
      const entry: PartitionEntry = { ...layout, offset: this.state.outputOffset };
      if (fingerprints.length > 0) await this.out.write(fingerprints, 0, fingerprints.length, entry.offset);
      await this.out.write(encodeIndexEntry(entry), 0, INDEX_ENTRY_BYTES, this.headerLength + this.current * INDEX_ENTRY_BYTES);
      this.index[this.current] = entry;
      this.state.outputOffset += fingerprints.length;
      this.state.entries += layout.keyCount;
      this.current++;
    }
    this.keys.count = 0;
    // Data first, then the state that points past it: a kill between the two redoes this partition.
    await this.out.datasync();
    this.state.partitionsDone = this.current;
    this.state.position = position;
    await saveState(this.output, this.state);
  }
}

function compareWords(a: Uint32Array, b: Uint32Array, count: number): number {
  for (let i = 0; i < count; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/** How far `offset` in file `file` is through the input: bytes for one file, files for a folder. */
function fractionAt(input: ImportInput, file: number, offset: number): number {
  if (file >= input.files.length) return 1;
  if (!input.folder) return input.totalBytes === 0 ? 1 : offset / input.totalBytes;
  const size = input.files[file]!.size;
  return (file + (size === 0 ? 0 : offset / size)) / input.files.length;
}

async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
