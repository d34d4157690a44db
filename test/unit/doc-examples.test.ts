import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../src/config/load-config.js';
import { packageRoot } from '../../src/package-root.js';

/**
 * A block whose first line is a comment starting `# fragment` (`# fragment: goes under tenants[].directories`)
 * is a piece of a configuration, said so to the reader: it must be valid YAML, but is not loaded alone.
 */
const FRAGMENT = /^\s*#\s*fragment\b/i;

/** Every ```yaml block of the docs and the README, with where it is and whether it says it is a fragment. */
function yamlBlocks(): Array<{ where: string; yaml: string; fragment: boolean }> {
  const files = ['README.md', ...readdirSync(join(packageRoot(), 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const blocks: Array<{ where: string; yaml: string; fragment: boolean }> = [];
  for (const file of files) {
    const text = readFileSync(join(packageRoot(), file), 'utf8');
    for (const match of text.matchAll(/^([ \t]*)```ya?ml[ \t]*\n([\s\S]*?)^[ \t]*```/gm)) {
      const line = text.slice(0, match.index).split('\n').length;
      // A block inside a list item is indented with it.
      const indent = match[1]!.length;
      const yaml = match[2]!.split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
      blocks.push({ where: `${file}:${line}`, yaml, fragment: FRAGMENT.test(yaml.split('\n')[0] ?? '') });
    }
  }
  return blocks;
}

const FAKE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n';

/** A stand-in for what a secret file or variable would hold: a CA, a connection URL, or a long random string. */
function secretLike(field: string, path: string): string {
  if (field.startsWith('tlsCa')) return FAKE_PEM;
  if (field === 'url') return path.includes('redis') ? 'redis://redis.example.org:6379' : 'postgres://unlatch@db.example.org/unlatch';
  return 'example-secret-'.padEnd(48, 'x');
}

/**
 * What the machine an example is deployed on has and this one has not: the files and variables its secrets
 * are read from (`bindPasswordFile`, `secretEnv`, …) become inline values. Nothing else is filled in: a tenant
 * the example refers to must be in it, with its name, or the block is marked as a fragment.
 */
function withSecretsInline(raw: Record<string, unknown>): Record<string, unknown> {
  const filled = structuredClone(raw);
  const secrets = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      // `caFile` names a certificate file the process reads itself (a path, not a secret source).
      if (/(File|Env)$/.test(key) && key !== 'caFile' && typeof value === 'string') {
        delete (node as Record<string, unknown>)[key];
        const field = key.replace(/(File|Env)$/, '');
        (node as Record<string, unknown>)[field] = secretLike(field, path);
      } else secrets(value, `${path}.${key}`);
    }
  };
  secrets(filled, '');
  return filled;
}

const blocks = yamlBlocks();

describe('configuration examples in the docs', () => {
  it('there are examples, and most are whole configurations', () => {
    expect(blocks.length).toBeGreaterThan(20);
    expect(blocks.filter((b) => b.fragment).length).toBeLessThan(blocks.length / 3);
  });

  it.each(blocks.filter((b) => !b.fragment).map((b) => [b.where, b.yaml] as const))('%s loads as written', (_where, yaml) => {
    const raw = parseYaml(yaml) as Record<string, unknown>;
    expect(raw, 'a whole configuration is a mapping; mark a piece with "# fragment: …"').toBeTypeOf('object');
    expect(() => validateConfig({ mode: 'dev', ...withSecretsInline(raw) }, '/nonexistent', {})).not.toThrow();
  });

  it.each(blocks.filter((b) => b.fragment).map((b) => [b.where, b.yaml] as const))('%s (a fragment) is valid YAML', (_where, yaml) => {
    expect(() => parseYaml(yaml)).not.toThrow();
  });
});
