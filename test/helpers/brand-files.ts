import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real 32×32 PNG (Unlatch's keyhole icon). */
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAXUlEQVR42mNgQAOyfjf+0xIz4AK0thivQ+htOYYjBtQBA2U53BGjDhiSDsAF6OIAQoCmDiAWjDpg1AHDNxcMinJg1AEjuygedcCoA0abZMOubzB4umYD3jkdyO45AJzuqxhyp2OAAAAAAElFTkSuQmCC',
  'base64',
);

/** An SVG logo with nothing that scripts. */
export const SAFE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="#0b5d1e"/><text x="8" y="26" fill="#ffffff" font-size="18">Corp</text></svg>';

/** The same logo carrying a script: refused at start. */
export const SCRIPT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>';

/** A folder holding the given files; returns their paths by name. */
export function brandFolder(files: Record<string, string | Buffer>): { dir: string; path: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-brand-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return { dir, path: (name) => join(dir, name) };
}
