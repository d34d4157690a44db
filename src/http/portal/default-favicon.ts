import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';
import type { BrandFile } from './brand-catalogue.js';

let cached: BrandFile | null = null;

/**
 * Unlatch's own icon (`src/http/portal/assets/favicon.ico`, found from the package root so `src/` and `dist/src/`
 * read the same file), for `/favicon.ico` on the portal and on the console's own listener. Read once per process.
 */
export function defaultFavicon(): BrandFile {
  if (cached === null) {
    const body = readFileSync(join(packageRoot(), 'src', 'http', 'portal', 'assets', 'favicon.ico'));
    cached = { body, type: 'image/x-icon', hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
  }
  return cached;
}
