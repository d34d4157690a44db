import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../src/config/load-config.js';
import { packageRoot } from '../../src/package-root.js';

/** Every ```yaml block of the docs and the README that is a configuration (not a chart's values or a compose file). */
function configExamples(): Array<{ where: string; yaml: string }> {
  const files = ['README.md', ...readdirSync(join(packageRoot(), 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const examples: Array<{ where: string; yaml: string }> = [];
  for (const file of files) {
    const text = readFileSync(join(packageRoot(), file), 'utf8');
    for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      // A block with "…" in it elides on purpose (a value to fill in, a list left short): it is prose, not config.
      if (!match[1]!.includes('…')) examples.push({ where: `${file}:${line}`, yaml: match[1]! });
    }
  }
  return examples;
}

const FAKE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n';

/**
 * Examples are fragments: a secret they read from a file is not on this machine, and the tenants they name may
 * be defined in another block. Those two are filled in; everything else must load as written.
 */
function completed(raw: Record<string, unknown>): Record<string, unknown> {
  const filled = JSON.parse(JSON.stringify(raw), (key, value: unknown) => value) as Record<string, unknown>;
  const secrets = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      // `caFile` names a certificate file the process reads itself (a path, not a secret source).
      if (/(File|Env)$/.test(key) && key !== 'caFile' && typeof value === 'string') {
        delete (node as Record<string, unknown>)[key];
        const field = key.replace(/(File|Env)$/, '');
        (node as Record<string, unknown>)[field] = field.startsWith('tlsCa') ? FAKE_PEM : 'example-secret-'.padEnd(48, 'x');
      } else secrets(value);
    }
  };
  secrets(filled);
  const named = new Set(JSON.stringify(filled).match(/"(?:tenant|tenants)":\s*"([a-z0-9-]+)"/g)?.map((m) => m.replace(/.*"([a-z0-9-]+)"$/, '$1')) ?? []);
  for (const key of ['policy', 'sms'] as const) {
    const section = filled[key] as { tenants?: object; limits?: { tenantBudgets?: object } } | undefined;
    for (const id of Object.keys(section?.tenants ?? {})) named.add(id);
    for (const id of Object.keys(section?.limits?.tenantBudgets ?? {})) named.add(id);
  }
  const tenants = (Array.isArray(filled.tenants) ? filled.tenants : []) as Array<{ id: string; name?: string }>;
  for (const tenant of tenants) tenant.name ??= tenant.id;
  for (const id of named) if (id !== '*' && !tenants.some((t) => t.id === id)) tenants.push({ id, name: id });
  if (tenants.length > 0) filled.tenants = tenants;
  return filled;
}

describe('configuration examples in the docs', () => {
  it.each(configExamples().map((e) => [e.where, e.yaml] as const))('%s loads', (_where, yaml) => {
    const raw = parseYaml(yaml) as Record<string, unknown>;
    expect(() => validateConfig({ mode: 'dev', ...completed(raw) })).not.toThrow();
  });
});
