import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { cycleThrough } from '../../eslint-rules/import-graph.js';
import unlatch from '../../eslint-rules/index.js';
import { packageRoot } from '../../src/package-root.js';

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the project has no import cycles (the rule npm run lint applies, walked here over every file)', () => {
  const root = packageRoot();
  const files = [...sources(join(root, 'src')), ...sources(join(root, 'migrations'))];

  it('finds none in src/ and migrations/', () => {
    const found = files.map((file) => cycleThrough(file)).filter((cycle) => cycle !== null);
    expect(found.map((cycle) => cycle.map((f) => relative(root, f)).join(' → '))).toEqual([]);
  });

  it('finds the shortest cycle through a file when there is one (the walk itself works)', () => {
    const graph = new Map([['a', ['d', 'b']], ['b', ['c']], ['c', ['a']], ['d', []]]);
    expect(cycleThrough('a', (f) => graph.get(f) ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleThrough('d', (f) => graph.get(f) ?? [])).toBeNull();
  });
});

describe('the lint rules fail on what they forbid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write('src/core/a.ts', "import { b } from './b.js';\nexport const a = (): number => b + 1;\n");
  write('src/core/b.ts', "import type { a } from './a.js';\nexport const b = 1;\nexport type A = typeof a;\n");
  write('src/core/pure.ts', "import { b } from './b.js';\nexport const pure = b;\n");
  write('src/core/upward.ts', "import { route } from '../http/route.js';\nexport const upward = route;\n");
  write('src/http/route.ts', "import { pure } from '../core/pure.js';\nexport const route = pure;\n");

  const lint = async (file: string): Promise<string[]> => {
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [{
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { unlatch },
        rules: {
          'unlatch/no-import-cycles': 'error',
          'unlatch/layers': ['error', { layers: [
            { name: 'core', prefixes: ['src/core/'], mayImport: [] },
            { name: 'http', prefixes: ['src/http/'], mayImport: ['core'] },
          ] }],
        },
      }],
    });
    const [result] = await eslint.lintFiles([join(dir, file)]);
    return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it('reports a cycle, type-only imports included, on the import that closes it', async () => {
    expect(await lint('src/core/a.ts')).toEqual(['unlatch/no-import-cycles: Import cycle: src/core/a.ts → src/core/b.ts → src/core/a.ts. Move what both need into a module of its own.']);
    expect(await lint('src/core/b.ts')).toEqual(['unlatch/no-import-cycles: Import cycle: src/core/b.ts → src/core/a.ts → src/core/b.ts. Move what both need into a module of its own.']);
  });

  it('reports an import against the layering, and passes what the layers allow', async () => {
    expect(await lint('src/core/upward.ts')).toEqual(['unlatch/layers: core may not import http (src/http/route.ts); core may import only: nothing else.']);
    expect(await lint('src/http/route.ts')).toEqual([]);
    expect(await lint('src/core/pure.ts')).toEqual([]);
  });
});
