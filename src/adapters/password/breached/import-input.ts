import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { hexNibbles } from '../../../core/password/breached/hash-words.js';

/** One input file: the whole list, or one range file of the downloader's folder. */
export interface InputFile {
  path: string;
  size: number;
  /** The 5 hex digits of a range file's name (`0A1B2.txt`), whose lines carry only the rest of each hash. */
  prefix: string | null;
}

/** The files to read, in order, and their total size (for progress). */
export interface ImportInput {
  path: string;
  folder: boolean;
  files: InputFile[];
  totalBytes: number;
}

const RANGE_NAME = /^[0-9A-Fa-f]{5}$/;

/**
 * A file is read as it is; a folder is read as the concatenation of its `.txt` files in name order (the
 * downloader names range files by their 5-hex-digit prefix, so name order is hash order).
 */
export async function listInput(path: string): Promise<ImportInput> {
  const info = await stat(path);
  if (info.isFile()) return { path, folder: false, files: [{ path, size: info.size, prefix: null }], totalBytes: info.size };
  if (!info.isDirectory()) throw new Error(`${path} is neither a file nor a folder`);
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.txt')).sort((a, b) => (a.toUpperCase() < b.toUpperCase() ? -1 : a.toUpperCase() > b.toUpperCase() ? 1 : 0));
  if (names.length === 0) throw new Error(`${path} holds no .txt files (expected the downloader's range files 00000.txt … FFFFF.txt)`);
  const files: InputFile[] = [];
  let totalBytes = 0;
  // Stat in batches: a full download is 1,048,576 files.
  for (let i = 0; i < names.length; i += 256) {
    const batch = names.slice(i, i + 256);
    const sizes = await Promise.all(batch.map((n) => stat(join(path, n)).then((s) => s.size)));
    batch.forEach((name, j) => {
      const stem = basename(name, name.slice(-4));
      files.push({ path: join(path, name), size: sizes[j]!, prefix: RANGE_NAME.test(stem) && hexNibbles(stem) ? stem.toUpperCase() : null });
      totalBytes += sizes[j]!;
    });
  }
  return { path, folder: true, files, totalBytes };
}

/** Average line length in the first 64 KB of the input, to estimate the entry count before reading it all. */
export async function averageLineBytes(input: ImportInput): Promise<number> {
  const file = input.files.find((f) => f.size > 0);
  if (!file) return 45;
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let lines = 0;
    for (let i = 0; i < bytesRead; i++) if (buffer[i] === 10) lines++;
    return lines === 0 ? 45 : bytesRead / lines;
  } finally {
    await handle.close();
  }
}

/** One line: its bytes are `buffer[start, end)` without the line break; `offset` is where it starts in its file. */
export interface LineVisitor {
  (buffer: Uint8Array, start: number, end: number, offset: number): void | Promise<void>;
}

/** Read size; pass one buffer of it to every `readLines` call of an import (a folder has a million files). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Calls `visit` for every line of `file` from byte `from` on (CRLF or LF; a last line without a break counts).
 * Works on raw chunks: no string per line. A visitor that returns a promise is awaited (partition writes).
 */
export async function readLines(file: InputFile, from: number, visit: LineVisitor, onChunk?: (bytesDone: number) => void, chunk: Buffer = Buffer.alloc(CHUNK_BYTES)): Promise<void> {
  const handle = await open(file.path, 'r');
  try {
    // The unfinished last line of a chunk moves to the front of the buffer and the next read goes after it.
    let carried = 0;
    let carryOffset = from;
    let position = from;
    for (;;) {
      if (carried === chunk.length) throw new Error(`${file.path}: a line longer than ${chunk.length} bytes`);
      const { bytesRead } = await handle.read(chunk, carried, chunk.length - carried, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      // Buffer.indexOf is a native byte search; a plain Uint8Array's is not.
      const data = chunk.subarray(0, carried + bytesRead);
      const base = carryOffset;
      let lineStart = 0;
      for (;;) {
        const newline = data.indexOf(10, lineStart);
        if (newline === -1) break;
        const end = newline > lineStart && data[newline - 1] === 13 ? newline - 1 : newline;
        const pending = visit(data, lineStart, end, base + lineStart);
        if (pending) await pending;
        lineStart = newline + 1;
      }
      carried = data.length - lineStart;
      chunk.copy(chunk, 0, lineStart, data.length);
      carryOffset = base + lineStart;
      onChunk?.(position);
    }
    if (carried > 0) {
      const end = chunk[carried - 1] === 13 ? carried - 1 : carried;
      const pending = visit(chunk, 0, end, carryOffset);
      if (pending) await pending;
    }
  } finally {
    await handle.close();
  }
}
