import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
// @ts-expect-error: the bench is plain JavaScript without type declarations
import { nodeFlagsOf, npmStartNodeFlags } from '../../bench/lib/start-flags.mjs';
import { DEPLOY, dockerfileStages, readYaml, renderChart } from '../helpers/deploy-files.js';

// The V8 heap limits that keep a node within a 256 MB container (docs/production.md, "Sizing"): one set of
// flags, the same wherever the server is started, and the bench measures with exactly those.

const root = packageRoot();
const startFlags = (npmStartNodeFlags as () => string[])();
const flagsText = startFlags.join(' ');

function nodeOptionsIn(text: string, where: string): string {
  const match = /NODE_OPTIONS=("?)([^"\n]*)\1/.exec(text);
  if (!match) throw new Error(`no NODE_OPTIONS in ${where}`);
  return match[2]!.trim();
}

describe('V8 heap flags of a deployed node', () => {
  it('npm start bounds both generations of the heap', () => {
    expect(startFlags.some((f) => /^--max-old-space-size=\d+$/.test(f))).toBe(true);
    expect(startFlags.some((f) => /^--max-semi-space-size=\d+$/.test(f))).toBe(true);
    expect((nodeFlagsOf as (c: string) => string[])('node --a=1 --b dist/x.js serve --c')).toEqual(['--a=1', '--b']);
  });

  it('the image, the systemd unit, compose and the Helm chart set the same flags as npm start', () => {
    const runtime = dockerfileStages(readFileSync(join(root, 'Dockerfile'), 'utf8')).at(-1)!;
    const env = runtime.instructions.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(nodeOptionsIn(env, 'Dockerfile')).toBe(flagsText);

    const unit = readFileSync(join(DEPLOY, 'systemd', 'unlatch.service'), 'utf8');
    expect(nodeOptionsIn(unit, 'unlatch.service')).toBe(flagsText);

    const compose = readYaml<{ services: Record<string, { environment?: Record<string, string> }> }>('compose.yaml');
    for (const node of ['unlatch-1', 'unlatch-2']) expect(compose.services[node]!.environment?.NODE_OPTIONS, node).toBe(flagsText);

    const deployment = renderChart().find((m) => m.kind === 'Deployment')!;
    const container = (deployment.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } }).template.spec.containers[0]!;
    expect(container.env).toContainEqual({ name: 'NODE_OPTIONS', value: flagsText });
  });

  it('Node accepts the flags in NODE_OPTIONS and sizes its heap by them', () => {
    const script = "const v8 = require('node:v8'); process.stdout.write(String(v8.getHeapStatistics().heap_size_limit))";
    const limited = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: flagsText } });
    expect(limited.stderr).toBe('');
    const unlimited = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const oldSpaceMb = Number(/--max-old-space-size=(\d+)/.exec(flagsText)![1]);
    const limitMb = Number(limited.stdout) / 1024 / 1024;
    // The limit is the old space plus the young generation (a few semi-spaces): a little above --max-old-space-size.
    expect(limitMb).toBeGreaterThanOrEqual(oldSpaceMb);
    expect(limitMb).toBeLessThan(oldSpaceMb + 32);
    expect(Number(unlimited.stdout)).toBeGreaterThan(Number(limited.stdout));
  });
});
