import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Packages a node loads only when its configuration uses them (docs/production.md, "Sizing"): each costs 5–9 MB of
 * heap in every node that imports it, so none may be reachable from the entry points by static imports.
 */
const LOADED_ON_DEMAND = ['nodemailer', 'imapflow', '@opentelemetry/sdk-node', '@simplewebauthn/server', 'openid-client', 'ldapts', 'qrcode', '@zxcvbn-ts/language-en', '@zxcvbn-ts/language-common'];

/** Value imports and re-exports of one source file (type-only ones are erased by the compiler). */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|^\s*import\s+'([^']+)'/gm;
  for (const match of source.matchAll(statement)) {
    if (match[5]) found.push(match[5]);
    else if (!match[2]) found.push(match[4]!);
  }
  return found;
}

/** Every package reachable from `entry` by static value imports, with the chain that reaches it. */
function reachablePackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>([entry]);
  const queue: Array<[string, string[]]> = [[entry, [entry]]];
  while (queue.length > 0) {
    const [file, chain] = queue.shift()!;
    for (const target of staticImports(readFileSync(file, 'utf8'))) {
      if (target.startsWith('.')) {
        const next = resolve(dirname(file), target).replace(/\.js$/, '.ts');
        if (!seen.has(next)) {
          seen.add(next);
          queue.push([next, [...chain, next]]);
        }
      } else if (!target.startsWith('node:') && !packages.has(target)) {
        packages.set(target, chain.map((f) => f.slice(SRC.length + 1)));
      }
    }
  }
  return packages;
}

describe('optional packages stay out of a node that does not use them', () => {
  it('reads value imports and skips type-only ones', () => {
    expect(staticImports([
      "import type { A } from 'a-types';",
      "import { type B, c } from 'mixed';",
      "import d from 'default';",
      "export { e } from './re-export.js';",
      "export type { F } from 'f-types';",
      "import 'side-effect';",
      "import {\n  g,\n  h,\n} from 'multi-line';",
      "const lazy = await import('lazy');",
    ].join('\n'))).toEqual(['mixed', 'default', './re-export.js', 'side-effect', 'multi-line']);
  });

  it.each([['cli/main.ts'], ['app.ts']])('%s reaches none of them by static imports', (entry) => {
    const packages = reachablePackages(resolve(SRC, entry));
    // The walk itself works: the packages every node needs are found.
    expect([...packages.keys()]).toEqual(expect.arrayContaining(entry === 'app.ts' ? ['fastify', 'kysely', '@zxcvbn-ts/core'] : ['yaml']));
    const leaks = LOADED_ON_DEMAND.filter((name) => [...packages.keys()].some((p) => p === name || p.startsWith(`${name}/`)));
    expect(leaks.map((name) => `${name} via ${packages.get(name)?.join(' → ')}`)).toEqual([]);
  });
});
