import { resolve } from 'node:path';
import { ConfigError } from '../../../config/config-error.js';
import type { BreachedPasswords } from '../../../core/password/breached/breached-passwords.js';
import type { BreachedKind } from '../../../core/password/breached/filter-format.js';
import { FilterReader } from './filter-reader.js';
import { WatchedFilter, type WatchedFilterOptions } from './watched-filter.js';

/** `password.breachedFilter` of the configuration. */
export interface BreachedFilterConfig {
  file: string;
  ntlmFile?: string;
  /** How often the files are stat'ed for a replacement besides the folder watch (default 30 s). */
  pollSeconds?: number;
}

export interface BreachedFilters {
  /** Checked at every password step. */
  sha1: WatchedFilter;
  /** For AD audits (`unlatch breached check --kind ntlm`); not used by the flows. */
  ntlm: WatchedFilter | null;
  close(): void;
}

/**
 * Opens the configured filter files, refusing to start when one is missing, damaged or of the wrong kind:
 * a server that silently skipped the breached check would accept what the operator meant to refuse.
 */
export function openBreachedFilters(cfg: BreachedFilterConfig, events: Pick<WatchedFilterOptions, 'onSwap' | 'onError'> = {}, cwd = process.cwd()): BreachedFilters {
  const pollMs = (cfg.pollSeconds ?? 30) * 1000;
  const sha1 = openConfigured(resolve(cwd, cfg.file), 'sha1', 'password.breachedFilter.file', { ...events, pollMs });
  let ntlm: WatchedFilter | null = null;
  try {
    ntlm = cfg.ntlmFile === undefined ? null : openConfigured(resolve(cwd, cfg.ntlmFile), 'ntlm', 'password.breachedFilter.ntlmFile', { ...events, pollMs });
  } catch (error) {
    sha1.close();
    throw error;
  }
  return {
    sha1,
    ntlm,
    close() {
      sha1.close();
      ntlm?.close();
    },
  };
}

/** Opens one filter file; a problem becomes a ConfigError naming the key, the path and what is wrong. */
export function openConfigured(path: string, kind: BreachedKind, key: string, options: Omit<WatchedFilterOptions, 'kind'> = {}): WatchedFilter {
  try {
    return new WatchedFilter(path, { ...options, kind });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found (build it with `unlatch breached import`)' : code ? `cannot read it (${code})` : (error as Error).message;
    throw new ConfigError(`config: ${key}: ${path}: ${problem}`);
  }
}

/**
 * The SHA-1 filter for one short command (`unlatch users add`): opened once, not watched. The same refusal as at
 * the server's start when the file is missing or damaged.
 */
export function openBreachedOnce(cfg: BreachedFilterConfig, cwd = process.cwd()): BreachedPasswords & { close(): void } {
  const path = resolve(cwd, cfg.file);
  let reader: FilterReader;
  try {
    reader = FilterReader.open(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`config: password.breachedFilter.file: ${path}: ${code === 'ENOENT' ? 'file not found (build it with `unlatch breached import`)' : code ? `cannot read it (${code})` : (error as Error).message}`);
  }
  if (reader.header.kind !== 'sha1') {
    reader.close();
    throw new ConfigError(`config: password.breachedFilter.file: ${path}: it holds the NTLM list, expected SHA-1`);
  }
  return { has: (password) => reader.hasPassword(password), close: () => reader.close() };
}
