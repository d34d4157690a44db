import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

const SCRIPT = join(packageRoot(), 'scripts', 'build-if-stale.mjs');

/** A tiny TypeScript project using this checkout's TypeScript, laid out like Unlatch (src/, tsconfig.build.json → dist/). */
function tinyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'unlatch-stale-'));
  mkdirSync(join(root, 'src'));
  symlinkSync(join(packageRoot(), 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tiny', type: 'module', private: true }));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, outDir: 'dist', rootDir: '.', types: [], module: 'NodeNext', target: 'ES2022' } }));
  writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src'] }));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = 1;\n');
  writeFileSync(join(root, 'src', 'b.ts'), 'export const b: string = "b";\n');
  return root;
}

function run(root: string, ...flags: string[]): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [SCRIPT, ...flags, root], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

/** An edit after the last build: the stamp moves 10 s into the past, the file's mtime to now. */
function editedAfterBuild(root: string, path: string): void {
  const stamp = join(root, 'dist', '.build-stamp');
  if (existsSync(stamp)) utimesSync(stamp, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
  utimesSync(path, new Date(), new Date());
}

// Each step runs the TypeScript compiler in a child process: seconds, not milliseconds, on a busy machine.
describe('scripts/build-if-stale.mjs', { timeout: 60_000 }, () => {
  const root = tinyProject();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds a fresh checkout that has no dist/', () => {
    const { code, out } = run(root);
    expect(out).toContain('compiling');
    expect(code).toBe(0);
    expect(existsSync(join(root, 'dist', 'src', 'a.js'))).toBe(true);
    expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(true);
  });

  it('does not compile again when nothing changed', () => {
    const before = statSync(join(root, 'dist', 'src', 'a.js')).mtimeMs;
    const { code, out } = run(root);
    expect(code).toBe(0);
    expect(out).toContain('dist/ is current, not compiling');
    expect(statSync(join(root, 'dist', 'src', 'a.js')).mtimeMs).toBe(before);
  });

  it('compiles again after a source file was touched', () => {
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = 2;\n');
    editedAfterBuild(root, join(root, 'src', 'a.ts'));
    const { code, out } = run(root);
    expect(out).toContain('compiling');
    expect(code).toBe(0);
    expect(run(root).out).toContain('not compiling');
  });

  it('counts a changed tsconfig and a deleted source file as changes (--check, which never compiles)', () => {
    expect(run(root, '--check')).toEqual({ code: 0, out: 'build-if-stale: current\n' });
    editedAfterBuild(root, join(root, 'tsconfig.json'));
    expect(run(root, '--check')).toEqual({ code: 1, out: 'build-if-stale: stale\n' });
    expect(run(root).out).toContain('sources changed');
    unlinkSync(join(root, 'src', 'b.ts'));
    editedAfterBuild(root, join(root, 'src'));
    expect(run(root, '--check').code).toBe(1);
  });

  it('keeps dist/ stale after a failed build, so the next start tries again', () => {
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a: number = "not a number";\n');
    editedAfterBuild(root, join(root, 'src', 'a.ts'));
    expect(run(root).code).not.toBe(0);
    const again = run(root);
    expect(again.out).toContain('compiling');
    expect(again.code).not.toBe(0);
  });
});
