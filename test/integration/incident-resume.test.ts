import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { cli } from '../helpers/cli-runner.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PEOPLE = 500;

/** An environment with nothing of ours in it. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('UNLATCH_')));
}

/**
 * `unlatch incident reset` as a child process, killed (SIGKILL, no chance to clean up) in the middle of a large
 * group, then the same command again: it continues the same incident, and every person is processed exactly once
 * (one notice, one audit entry, one hook-worthy event each), whatever the kill interrupted.
 */
describe('incident reset resumed after the CLI was killed', () => {
  let dir: string;
  let configPath: string;
  let handle: DatabaseHandle;
  const args = () => ['incident', 'reset', '--group', 'breach', '--mode', 'lock', '--expires', '2d', '--reason', 'stolen laptop', '--operator', 'ops-1', '--config', configPath];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unlatch-incident-'));
    configPath = join(dir, 'unlatch.yaml');
    const url = `sqlite:${join(dir, 'unlatch.db')}`;
    writeFileSync(configPath, stringify({ mode: 'dev', dataDir: dir, database: { url }, log: { level: 'silent' } }));
    handle = openDatabase(url);
    await migrateToLatest(handle.db);
    const now = Date.now();
    const rows = Array.from({ length: PEOPLE }, (_, i) => ({
      id: `u${String(i).padStart(5, '0')}`, tenant_id: 'demo', username: `person${i}`, username_norm: `person${i}`, email: `person${i}@example.com`, email_norm: `person${i}@example.com`, phone: null, display_name: null,
      groups: JSON.stringify(['breach']), password_hash: null, enabled: 1, locked: 0, created_at: now, updated_at: now, password_changed_at: null, must_change: 0,
    }));
    for (let i = 0; i < rows.length; i += 200) await handle.db.insertInto('users').values(rows.slice(i, i + 200)).execute();
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues where it stopped and never repeats a finished person', async () => {
    const child = spawn(process.execPath, ['--experimental-transform-types', '--no-warnings', '--import', join(ROOT, 'test/helpers/incident-ts-loader.mjs'), join(ROOT, 'src/cli/main.ts'), ...args()], {
      cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    // Killed as soon as it reports progress: some people are done, most are not.
    const deadline = Date.now() + 120_000;
    while (!/incident \S+: \d+\/500/.test(stderr) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const id = /started incident (\S+):/.exec(stderr)?.[1];
    expect(id, stderr).toBeDefined();
    const doneAfterKill = Number((await handle.db.selectFrom('incident_people').select((eb) => eb.fn.countAll<number>().as('n')).where('incident_id', '=', id!).where('state', '=', 'done').executeTakeFirstOrThrow()).n);
    expect(doneAfterKill).toBeGreaterThan(0);
    expect(doneAfterKill).toBeLessThan(PEOPLE);

    // The same command again (in this process this time): it finds the incident still running and finishes it.
    const rerun = await cli(args(), { cwd: dir, env: {} });
    expect(rerun.stderr).toContain(`resuming incident ${id}`);
    expect(rerun.stdout).toContain(`incident ${id}: finished; ${PEOPLE} done, 0 failed, 0 skipped, 0 left`);
    expect(rerun.code).toBe(0);

    const notices = await handle.db.selectFrom('outbox').select(['subject_id', (eb) => eb.fn.countAll<number>().as('n')]).where('template', '=', 'incident_notice').groupBy('subject_id').execute();
    expect(notices).toHaveLength(PEOPLE);
    expect(notices.every((n) => Number(n.n) === 1)).toBe(true);
    const entries = await handle.db.selectFrom('audit_log').select(['subject_id', 'actor']).where('event', '=', 'incident.person_reset').execute();
    expect(entries).toHaveLength(PEOPLE);
    expect(new Set(entries.map((e) => e.subject_id)).size).toBe(PEOPLE);
    expect(entries.every((e) => e.actor === 'cli:ops-1')).toBe(true);
    const marked = await handle.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('must_change', '=', 1).executeTakeFirstOrThrow();
    expect(Number(marked.n)).toBe(PEOPLE);

    // And once more: already done, nothing sent again.
    const third = await cli(args(), { cwd: dir, env: {} });
    expect(third).toMatchObject({ code: 0, stdout: expect.stringContaining(`already done as incident ${id}`) });
    const report = await cli(['incident', 'report', id!, '--format', 'json', '--config', configPath], { cwd: dir, env: {} });
    expect(JSON.parse(report.stdout)).toMatchObject({ incident: { id, state: 'finished', createdBy: 'cli:ops-1' }, counts: { done: PEOPLE } });
    const status = await cli(['incident', 'status', '--config', configPath], { cwd: dir, env: {} });
    expect(status.stdout).toContain(`${id}  finished`);

    // Ended early by an operator: every hold of the incident lifted at once, audited.
    const ended = await cli(['incident', 'end', id!, '--operator', 'ops-2', '--config', configPath], { cwd: dir, env: {} });
    expect(ended).toMatchObject({ code: 0, stdout: `incident ${id} ended: ${PEOPLE} pauses and 0 stricter policies lifted\n` });
    expect((await handle.db.selectFrom('self_service_holds').select('subject_id').execute()).length).toBe(0);
    expect((await handle.db.selectFrom('audit_log').select('actor').where('event', '=', 'incident.ended').execute()).map((e) => e.actor)).toEqual(['cli:ops-2']);
  }, 240_000);
});
