import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BreachedKind } from '../../../core/password/breached/filter-format.js';
import type { ImportInput } from './import-input.js';

/**
 * What `<out>.progress` records after each completed partition: enough to continue a killed import from the
 * next partition and end with the same file as an uninterrupted run.
 */
export interface ImportState {
  version: 1;
  kind: BreachedKind;
  /** Which input this belongs to; a different input (or one that changed size) starts over. */
  input: { path: string; files: number; totalBytes: number };
  partitionBits: number;
  source: string;
  /** Partitions 0 … partitionsDone-1 are in `<out>.partial`, with their index entries. */
  partitionsDone: number;
  /** Where the next partition's fingerprints go. */
  outputOffset: number;
  /** Distinct hashes in the completed partitions. */
  entries: number;
  /** The first line of partition `partitionsDone`: file number (in the input's order) and byte offset in it. */
  position: { file: number; offset: number };
}

export function progressPathOf(output: string): string {
  return `${output}.progress`;
}

export function partialPathOf(output: string): string {
  return `${output}.partial`;
}

export function inputIdentity(input: ImportInput): ImportState['input'] {
  return { path: resolve(input.path), files: input.files.length, totalBytes: input.totalBytes };
}

/**
 * The saved state when it belongs to this input, kind and (when given) partition bits and the partial file is
 * at least as long as the state says; otherwise null with the reason, and the import starts over.
 */
export async function loadState(output: string, input: ImportInput, kind: BreachedKind, partitionBits: number | undefined): Promise<{ state: ImportState | null; reason?: string }> {
  let text: string;
  try {
    text = await readFile(progressPathOf(output), 'utf8');
  } catch {
    return { state: null };
  }
  let state: ImportState;
  try {
    state = JSON.parse(text) as ImportState;
  } catch {
    return { state: null, reason: 'the progress file is unreadable' };
  }
  const id = inputIdentity(input);
  if (state.version !== 1 || state.kind !== kind) return { state: null, reason: 'the progress file is for another kind of list' };
  if (state.input?.path !== id.path || state.input.files !== id.files || state.input.totalBytes !== id.totalBytes) return { state: null, reason: 'the progress file is for another input (or the input changed)' };
  if (partitionBits !== undefined && partitionBits !== state.partitionBits) return { state: null, reason: 'the progress file used other partition bits' };
  const partialSize = await stat(partialPathOf(output)).then((s) => s.size, () => -1);
  if (partialSize < state.outputOffset) return { state: null, reason: 'the partial file is missing or shorter than recorded' };
  return { state };
}

/** Written to a temp file and renamed, so a kill leaves either the old state or the new one. */
export async function saveState(output: string, state: ImportState): Promise<void> {
  const path = progressPathOf(output);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state)}\n`);
  await rename(`${path}.tmp`, path);
}
