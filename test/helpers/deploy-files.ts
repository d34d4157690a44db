import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { packageRoot } from '../../src/package-root.js';

export const DEPLOY = join(packageRoot(), 'deploy');

/** A parsed YAML file of deploy/ (compose merge keys `<<:` applied). */
export function readYaml<T = Record<string, unknown>>(relative: string): T {
  return parse(readFileSync(join(DEPLOY, relative), 'utf8'), { merge: true }) as T;
}

/** A Kubernetes object, as far as these checks look into it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** The chart rendered by deploy/test/render-chart.mjs, with `values` (a YAML file's text) over values.yaml. */
export function renderChart(valuesYaml?: string): Manifest[] {
  const args = [join(DEPLOY, 'test', 'render-chart.mjs'), join(DEPLOY, 'helm', 'unlatch')];
  if (valuesYaml !== undefined) {
    const path = join(mkdtempSync(join(tmpdir(), 'unlatch-values-')), 'values.yaml');
    writeFileSync(path, valuesYaml);
    args.push(path);
  }
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`render-chart failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    return doc.toJS() as Manifest;
  });
}

/** Dockerfile instructions: continuation lines joined, comments dropped, split into stages at each FROM. */
export function dockerfileStages(text: string): Array<{ from: string; name?: string; instructions: Array<{ op: string; args: string }> }> {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const stages: ReturnType<typeof dockerfileStages> = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [from = '', , name] = args.split(/\s+/);
      stages.push({ from, ...(name ? { name } : {}), instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}
