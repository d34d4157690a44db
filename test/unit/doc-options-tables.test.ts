import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { activeDirectorySchema, builtinDirectorySchema, ldapDirectorySchema } from '../../src/config/directories-schema.js';
import { hookSchema } from '../../src/config/hooks-schema.js';
import { policySchema } from '../../src/config/policy-schema.js';
import { packageRoot } from '../../src/package-root.js';

/**
 * The options tables of the directory docs against the schema that reads the YAML: every key a table lists is
 * one the configuration takes (the AD table once listed `tenantId`, which the YAML refuses), and every key the
 * configuration takes is in a table. A table is found by a line of text just before it.
 */

/** The first markdown table after the first line that contains `marker`: its first cells' `keys`. */
function documentedKeys(file: string, marker: string): string[] {
  const lines = readFileSync(join(packageRoot(), file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.includes(marker));
  if (start < 0) throw new Error(`${file}: no line with ${marker}`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  const rows: string[] = [];
  for (let i = first + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
  // `tlsCa` (or `tlsCaFile`), `bindPassword` / `bindPasswordFile`: every key named in the first cell.
  return rows.flatMap((row) => [...(row.split(/(?<!\\)\|/)[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

const COMMON = [
  ['docs/directories.md', 'Keys every entry takes:'],
  ['docs/directories.md', 'Keys of `ldap` and `active_directory` entries'],
] as const;

const TABLES = {
  active_directory: { schema: activeDirectorySchema, tables: [['docs/active-directory.md', '### Options'], ...COMMON] },
  ldap: { schema: ldapDirectorySchema, tables: [['docs/directories.md', '### Options'], ...COMMON] },
  builtin: { schema: builtinDirectorySchema, tables: [['docs/directories.md', 'Keys every entry takes:'], ['docs/directories.md', 'Keys of the `builtin` entry:']] },
} as const;

/** The object schema inside optional / default / nullable wrappers; null when it is not an object. */
function objectOf(schema: z.ZodType): z.ZodObject | null {
  let node: z.ZodType = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
  return node instanceof z.ZodObject ? node : null;
}

/** Whether `dotted` (`attributes.email`) names a key of `schema`. */
function takes(schema: z.ZodObject, dotted: string): boolean {
  let node: z.ZodObject | null = schema;
  for (const part of dotted.split('.')) {
    const child: z.ZodType | undefined = node?.shape[part] as z.ZodType | undefined;
    if (!child) return false;
    node = objectOf(child);
  }
  return true;
}

describe('directory options tables in the docs', () => {
  for (const [type, { schema, tables }] of Object.entries(TABLES)) {
    const documented = tables.flatMap(([file, marker]) => documentedKeys(file, marker));

    it(`${type}: every documented key is one the configuration takes`, () => {
      expect(documented.length).toBeGreaterThan(type === 'builtin' ? 3 : 15);
      expect(documented.filter((key) => !takes(schema, key))).toEqual([]);
    });

    it(`${type}: every key the configuration takes is documented`, () => {
      const tops = new Set(documented.map((key) => key.split('.')[0]!));
      expect(Object.keys(schema.shape).filter((key) => !tops.has(key))).toEqual([]);
    });
  }
});

describe('other options tables in the docs', () => {
  it('policy: the settings table lists exactly the keys of a tenant policy', () => {
    const tenants = objectOf(policySchema)!.shape.tenants as z.ZodType;
    let record: z.ZodType = tenants;
    while (record instanceof z.ZodDefault) record = record.unwrap() as z.ZodType;
    const tenantPolicy = objectOf((record as z.ZodRecord).valueType as z.ZodType)!;
    const documented = documentedKeys('docs/policy.md', 'Every key can be set in `policy.default`');
    expect(documented.filter((key) => !takes(tenantPolicy, key))).toEqual([]);
    expect(Object.keys(tenantPolicy.shape).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it('hooks: every key the table says every hook takes, every kind of hook takes', () => {
    const documented = documentedKeys('docs/hooks.md', 'Every hook takes:');
    expect(documented.length).toBeGreaterThan(3);
    for (const kind of hookSchema.options) expect(documented.filter((key) => !takes(kind, key)), String(kind.shape.type.value)).toEqual([]);
  });
});
