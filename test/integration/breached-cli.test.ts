import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHashList } from '../helpers/breached-lists.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';

const BREACHED = 'umbrella frigate lozenge cobalt 58';

describe('breached commands with a configuration', () => {
  let ws: CliWorkspace;
  beforeAll(async () => {
    ws = cliWorkspace({ tenants: [{ id: 'acme', name: 'Acme Corp' }], password: { breachedFilter: { file: 'breached.filter' } } });
    writeHashList(join(ws.dir, 'list.txt'), { count: 5_000, passwords: [BREACHED] });
  });
  afterAll(() => ws.remove());

  it('without --out, import writes the configured file; status reads it; users add refuses a breached password', async () => {
    const missing = await ws.run(['users', 'add', '--tenant', 'acme', '--username', 'dana', '--password-stdin'], { stdin: `${BREACHED}\n` });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/password\.breachedFilter\.file: .*breached\.filter: file not found/);

    const imported = await ws.run(['breached', 'import', join(ws.dir, 'list.txt')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`wrote ${join(ws.dir, 'breached.filter')}: 5001 entries`);
    // Not a terminal: progress comes as whole lines.
    expect(imported.stderr).toMatch(/^100\.0% · 5,001 entries · /m);
    expect(imported.stderr).not.toContain('\r');

    const status = await ws.run(['breached', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/entries:\s+5001\n/);

    const refused = await ws.run(['users', 'add', '--tenant', 'acme', '--username', 'dana', '--password-stdin'], { stdin: `${BREACHED}\n` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('password rejected: This password has appeared in a data breach. Choose a different one.');
    const fine = await ws.run(['users', 'add', '--tenant', 'acme', '--username', 'dana', '--password-stdin'], { stdin: 'pelican turnstile meringue basalt 71\n' });
    expect(fine.code, fine.stderr).toBe(0);
  });

  it('the NTLM check needs an NTLM file, and says which key is missing', async () => {
    const run = await ws.run(['breached', 'check', '--kind', 'ntlm'], { stdin: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give --file, or configure password.breachedFilter.ntlmFile');
    const kind = await ws.run(['breached', 'status', '--kind', 'md5']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind must be sha1 or ntlm');
  });

  it('a resumable import refuses nonsense partition bits', async () => {
    const run = await ws.run(['breached', 'import', join(ws.dir, 'list.txt'), '--partition-bits', '99']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--partition-bits must be a whole number from 0 to 20');
  });
});
