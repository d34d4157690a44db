import { statSync } from 'node:fs';

/** `mtimeMs:size` of a file, or null when it cannot be read: a change of either means the file was replaced. */
export function stampOf(file: string): string | null {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
}
