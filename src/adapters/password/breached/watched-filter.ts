import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { BreachedPasswords } from '../../../core/password/breached/breached-passwords.js';
import type { BreachedKind } from '../../../core/password/breached/filter-format.js';
import { FilterReader } from './filter-reader.js';

export interface WatchedFilterOptions {
  kind: BreachedKind;
  /** How often to stat the file when no watch event came (a watch can miss events on some file systems). */
  pollMs?: number;
  onSwap?: (reader: FilterReader) => void;
  /** A replacement that cannot be opened; the current filter stays in use. */
  onError?: (error: Error) => void;
}

/**
 * The configured filter file, replaced in place when `unlatch breached import` renames a new one over it. The
 * folder is watched (a rename replaces the file, so a watch on the file itself would stay on the old one),
 * with a periodic stat as the fallback. Lookups are synchronous, so a swap never meets a lookup half-way: a
 * lookup runs wholly on the old reader or wholly on the new one, and the old one is closed after the swap.
 */
export class WatchedFilter implements BreachedPasswords {
  private reader: FilterReader;
  private identity: string;
  private readonly path: string;
  private readonly options: WatchedFilterOptions;
  private watcher: FSWatcher | null = null;
  private readonly timer: NodeJS.Timeout;
  private pending: NodeJS.Timeout | null = null;
  private failedIdentity: string | null = null;

  /** Opens the file now (throws when it is missing, damaged or of the other kind) and starts watching it. */
  constructor(path: string, options: WatchedFilterOptions) {
    this.path = path;
    this.options = options;
    this.identity = identityOf(path);
    this.reader = openOfKind(path, options.kind);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(path)) this.soon();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null; // the periodic stat still notices a new file
    }
    this.timer = setInterval(() => this.reloadIfChanged(), options.pollMs ?? 30_000);
    this.timer.unref();
  }

  get current(): FilterReader {
    return this.reader;
  }

  has(password: string): boolean {
    return this.reader.hasPassword(password);
  }

  /** Swaps in the file at the path when it is another file than the one open; true when it did. */
  reloadIfChanged(): boolean {
    let identity: string;
    try {
      identity = identityOf(this.path);
    } catch {
      return false; // between an unlink and a rename, or removed: keep serving the open one
    }
    if (identity === this.identity || identity === this.failedIdentity) return false;
    let next: FilterReader;
    try {
      next = openOfKind(this.path, this.options.kind);
    } catch (error) {
      this.failedIdentity = identity;
      this.options.onError?.(error as Error);
      return false;
    }
    const previous = this.reader;
    this.reader = next;
    this.identity = identity;
    this.failedIdentity = null;
    previous.close();
    this.options.onSwap?.(next);
    return true;
  }

  close(): void {
    clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.watcher?.close();
    this.reader.close();
  }

  // Events come in bursts (rename, change); one reload a moment after the last is enough.
  private soon(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = null;
      this.reloadIfChanged();
    }, 50);
    this.pending.unref();
  }
}

function identityOf(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}

function openOfKind(path: string, kind: BreachedKind): FilterReader {
  const reader = FilterReader.open(path);
  if (reader.header.kind !== kind) {
    reader.close();
    throw new Error(`it holds the ${reader.header.kind === 'ntlm' ? 'NTLM' : 'SHA-1'} list, expected ${kind === 'ntlm' ? 'NTLM' : 'SHA-1'}`);
  }
  return reader;
}
