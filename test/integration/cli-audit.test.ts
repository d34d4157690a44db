import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditReader } from '../../src/adapters/store/audit-reader.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** `unlatch audit verify` against the database of a real app that has done real work, on both databases. */
describe.each(['sqlite', 'postgres'] as const)('unlatch audit verify (%s)', (kind) => {
  let t: TestApp;
  let ws: CliWorkspace;
  let enabled = true;

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    t = await startTestApp({ database: kind });
    // The CLI reads the very database the app writes.
    ws = cliWorkspace({ dataDir: t.config.dataDir, database: { url: t.config.database.url } });

    // Some real activity: users added through the CLI, a complete reset through the API, a wrong code.
    expect(await ws.run(['users', 'add', '--username', 'dana', '--email', 'dana@example.com'])).toMatchObject({ code: 0 });
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    expect(start.statusCode).toBe(202);
    const { flowId } = start.json() as { flowId: string };
    const code = await t.codeFor('alice@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code: wrong } })).statusCode).toBe(422);
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
    const set = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } });
    expect(set.statusCode).toBe(200);
    await t.deliverMail();
    expect(await ws.run(['users', 'add', '--username', 'eli', '--tenant', 'demo'])).toMatchObject({ code: 0 });
  });

  afterAll(async () => {
    await t?.close();
    ws?.remove();
  });

  const db = () => t.app.database.db;
  const head = () => db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
  const entryCount = async () => Number((await db().selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('reports an intact chain with its length and head, reading page by page', async (ctx) => {
    if (!enabled) return ctx.skip();
    const count = await entryCount();
    // users added (2), reset started, code sent, code failed, code verified, reset completed, notice sent, …
    expect(count).toBeGreaterThanOrEqual(8);
    const events = (await db().selectFrom('audit_log').select('event').orderBy('seq').execute()).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['user.created', 'reset.started', 'reset.code_sent', 'reset.code_failed', 'reset.completed']));

    const { seq, hash } = await head();
    expect(Number(seq)).toBe(count);
    for (const pageSize of ['1', '3', '1000']) {
      const result = await ws.run(['audit', 'verify', '--page-size', pageSize]);
      expect(result).toEqual({ code: 0, stdout: `audit chain intact: ${count} entries, head ${hash}\n`, stderr: '' });
    }
  });

  it('the reader pages through every entry in seq order', async (ctx) => {
    if (!enabled) return ctx.skip();
    const seqs: number[] = [];
    for await (const entry of new SqlAuditReader(db()).entries({ pageSize: 2 })) seqs.push(entry.seq);
    expect(seqs).toEqual(Array.from({ length: await entryCount() }, (_, i) => i + 1));
  });

  it('names the entry whose details were changed, and is intact again once they are restored', async (ctx) => {
    if (!enabled) return ctx.skip();
    const target = 3;
    const original = await db().selectFrom('audit_log').select('details').where('seq', '=', target).executeTakeFirstOrThrow();
    await db().updateTable('audit_log').set({ details: '{"outcome":"nothing to see"}' }).where('seq', '=', target).execute();
    const broken = await ws.run(['audit', 'verify', '--page-size', '2']);
    expect(broken).toEqual({ code: 1, stdout: `audit chain broken at entry seq ${target} (hash mismatch: the entry was changed after it was written)\n`, stderr: '' });

    await db().updateTable('audit_log').set({ details: original.details }).where('seq', '=', target).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('names a rewritten link (prev_hash) and a missing middle entry', async (ctx) => {
    if (!enabled) return ctx.skip();
    const row = await db().selectFrom('audit_log').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
    await db().updateTable('audit_log').set({ prev_hash: 'f'.repeat(64) }).where('seq', '=', 4).execute();
    expect((await ws.run(['audit', 'verify'])).stdout).toBe('audit chain broken at entry seq 4 (prev_hash mismatch: the entry does not follow the one before it)\n');
    await db().deleteFrom('audit_log').where('seq', '=', 4).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 1, stdout: 'audit chain broken at entry seq 5 (sequence gap: entry seq 4 is missing)\n' });
    await db().insertInto('audit_log').values(row).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('detects the last entry being deleted, which the chain alone cannot show', async (ctx) => {
    if (!enabled) return ctx.skip();
    const last = await entryCount();
    const row = await db().selectFrom('audit_log').selectAll().where('seq', '=', last).executeTakeFirstOrThrow();
    await db().deleteFrom('audit_log').where('seq', '=', last).execute();
    const result = await ws.run(['audit', 'verify']);
    expect(result).toEqual({
      code: 1,
      stdout: `audit chain broken at entry seq ${last} (missing: the log ends at seq ${last - 1} but audit_head records seq ${last})\n`,
      stderr: '',
    });

    // Entries appended without going through the appender (head not moved) are caught as well.
    await db().insertInto('audit_log').values(row).execute();
    await db().updateTable('audit_head').set({ seq: last - 1, hash: row.prev_hash }).where('id', '=', 1).execute();
    expect((await ws.run(['audit', 'verify'])).stdout).toBe(
      `audit chain broken at entry seq ${last} (the entry is beyond the last one recorded in audit_head (seq ${last - 1}))\n`,
    );
    await db().updateTable('audit_head').set({ seq: last, hash: row.hash }).where('id', '=', 1).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('keeps verifying while the app goes on appending', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = await entryCount();
    const [result] = await Promise.all([
      ws.run(['audit', 'verify', '--page-size', '1']),
      t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } }),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^audit chain intact: \d+ entries/);
    expect(await entryCount()).toBeGreaterThan(before);
  });

  it('`worker --once` delivers what is due with the app\'s keys, then exits', async (ctx) => {
    if (!enabled) return ctx.skip();
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'carol' } });
    expect(start.statusCode).toBe(202);
    expect(await t.mailsTo('carol@example.com')).toHaveLength(0);
    const result = await ws.run(['worker', '--once']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^outbox: [1-9]\d* messages? handled, 0 waiting\n$/);
    const mail = await t.mailsTo('carol@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toMatch(/\b\d{6}\b/);
    expect(await ws.run(['worker', '--once'])).toMatchObject({ code: 0, stdout: 'outbox: 0 messages handled, 0 waiting\n' });
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });
});

describe('unlatch audit verify on a database without tables', () => {
  let ws: CliWorkspace;
  beforeAll(() => {
    ws = cliWorkspace({});
  });
  afterAll(() => ws.remove());

  it('says to migrate, in one line, exit 1', async () => {
    const result = await ws.run(['audit', 'verify']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'unlatch audit verify: this database has no audit log tables yet (run: unlatch migrate)\n' });
    expect(await ws.run(['migrate'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^applied 0001-initial\n/) });
    expect(await ws.run(['migrate'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/already up to date\n$/) });
    expect(await ws.run(['audit', 'verify'])).toEqual({ code: 0, stdout: `audit chain intact: 0 entries, head ${'0'.repeat(64)}\n`, stderr: '' });
  });

  it('refuses a bad --page-size', async () => {
    expect(await ws.run(['audit', 'verify', '--page-size', '0'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--page-size must be a whole number/) });
  });
});
