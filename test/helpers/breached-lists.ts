import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a list in the Pwned Passwords format, sorted by hash: `HASH:count` with CRLF, uppercase hex, as the
 * official downloader does. Random hashes stand in for the real ones (they are uniform, as SHA-1 is), plus the
 * SHA-1 of each `passwords` entry so a test can type one. Returns every hash written (uppercase hex).
 */
export function writeHashList(path: string, options: { count: number; passwords?: string[]; digits?: 40 | 32 }): string[] {
  const digits = options.digits ?? 40;
  const hashes = randomHashes(options.count, digits);
  for (const p of options.passwords ?? []) hashes.push(createHash('sha1').update(p, 'utf8').digest('hex').toUpperCase());
  hashes.sort();
  const fd = openSync(path, 'w');
  try {
    let chunk = '';
    for (const [i, h] of hashes.entries()) {
      chunk += `${h}:${(i % 97) + 1}\r\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return hashes;
}

/** `count` distinct random hashes of `digits` hex digits (uppercase). */
export function randomHashes(count: number, digits: 40 | 32 = 40): string[] {
  const bytes = randomBytes(count * (digits / 2));
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = bytes.subarray(i * (digits / 2), (i + 1) * (digits / 2)).toString('hex').toUpperCase();
  return out;
}

/**
 * Writes `hashes` (sorted, uppercase, 40 digits) as the downloader's range folder: one `<PREFIX>.txt` per
 * 5-digit prefix present, each line the remaining 35 digits and `:count`.
 */
export function writeRangeFolder(dir: string, hashes: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  let prefix = '';
  let lines: string[] = [];
  const flush = () => {
    if (prefix !== '') {
      const fd = openSync(join(dir, `${prefix}.txt`), 'w');
      writeSync(fd, lines.join('\r\n'));
      closeSync(fd);
    }
  };
  for (const h of hashes) {
    if (h.slice(0, 5) !== prefix) {
      flush();
      prefix = h.slice(0, 5);
      lines = [];
    }
    lines.push(`${h.slice(5)}:${lines.length + 1}`);
  }
  flush();
}
