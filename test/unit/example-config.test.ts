import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/load-config.js';
import { configSchema } from '../../src/config/schema.js';
import { packageRoot } from '../../src/package-root.js';

describe('unlatch.example.yaml', () => {
  const text = readFileSync(join(packageRoot(), 'unlatch.example.yaml'), 'utf8');

  it('is a valid configuration as shipped', () => {
    expect(() => validateConfig(parse(text) as Record<string, unknown>)).not.toThrow();
  });

  it('mentions every top-level key and every rate-limit bucket of the schema', () => {
    for (const key of Object.keys(configSchema.shape)) expect(text).toMatch(new RegExp(`^#? ?${key}:`, 'm'));
    const buckets = Object.keys(validateConfig({}).rateLimits);
    for (const bucket of buckets) expect(text).toContain(`${bucket}:`);
  });
});
