import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { MAX_BRAND_IMAGE_BYTES } from './branding-schema.js';
import type { UnlatchConfig } from './schema.js';

/** An image a tenant's pages show, read and checked once at start. */
export interface BrandImage {
  bytes: Buffer;
  /** The `content-type` it is served with. */
  type: string;
  /** A short hash of the bytes: part of the URL (a changed file gets a new URL) and the ETag. */
  hash: string;
}

/** The image kinds each key accepts. */
const ACCEPTED = {
  logo: ['image/png', 'image/webp', 'image/svg+xml'],
  favicon: ['image/png', 'image/webp', 'image/svg+xml', 'image/x-icon'],
} as const;

/**
 * Resolves each tenant's `branding.logo` and `branding.favicon` against `cwd` and reads them, so that a missing,
 * oversized or unsafe file stops the start with a message naming the key rather than showing a broken page.
 */
export function settleBrandFiles(config: UnlatchConfig, cwd: string): void {
  for (const [i, tenant] of config.tenants.entries()) {
    const branding = tenant.branding;
    if (!branding) continue;
    for (const key of ['logo', 'favicon'] as const) {
      const path = branding[key];
      if (path === undefined) continue;
      branding[key] = resolve(cwd, path);
      readBrandImage(branding[key], key, `config: tenants.${i}.branding.${key}`);
    }
  }
}

/** Reads and checks one image; `where` starts every error message (`config: tenants.0.branding.logo`). */
export function readBrandImage(path: string, key: keyof typeof ACCEPTED, where: string): BrandImage {
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_BRAND_IMAGE_BYTES) throw new ConfigError(`${where}: ${path} is larger than ${MAX_BRAND_IMAGE_BYTES / 1024} KiB`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${where}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const type = imageTypeOf(bytes);
  if (type === null || !(ACCEPTED[key] as readonly string[]).includes(type)) {
    throw new ConfigError(`${where}: ${path} is not a ${ACCEPTED[key].map((t) => t.replace(/^image\/(x-)?/, '').replace('+xml', '').toUpperCase()).join(', ')} file`);
  }
  if (type === 'image/svg+xml') {
    const unsafe = svgProblem(bytes.toString('utf8'));
    if (unsafe) throw new ConfigError(`${where}: ${path} is refused: the SVG contains ${unsafe}`);
  }
  return { bytes, type, hash: createHash('sha256').update(bytes).digest('base64url').slice(0, 16) };
}

/** The type by the file's first bytes, never by its name. */
export function imageTypeOf(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.subarray(0, 4).equals(Buffer.from([0x00, 0x00, 0x01, 0x00]))) return 'image/x-icon';
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml';
  return null;
}

/**
 * What makes an SVG unsafe to serve from the portal's origin, or null. A browser runs no script in an `<img>`, but
 * the file is also reachable at its own URL, where it would run with the portal's origin; rather than sanitising
 * (a moving target), anything that can script, embed or fetch is refused, and the file is served with a CSP besides.
 */
export function svgProblem(svg: string): string | null {
  const checks: Array<[RegExp, string]> = [
    [/<script[\s>/]/i, 'a <script> element'],
    [/\son[a-z]+\s*=/i, 'an event handler attribute (on…=)'],
    [/javascript:/i, 'a javascript: URL'],
    [/<foreignObject[\s>/]/i, 'a <foreignObject> element'],
    [/<(iframe|embed|object)[\s>/]/i, 'an embedded document'],
    [/<!ENTITY/i, 'an entity declaration'],
    [/(?:href|src)\s*=\s*["']\s*(?:https?:|\/\/|data:text)/i, 'a reference to another document'],
  ];
  for (const [pattern, what] of checks) if (pattern.test(svg)) return what;
  return null;
}
