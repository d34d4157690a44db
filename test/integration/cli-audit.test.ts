import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditReader } from '../../src/adapters/store/audit-reader.js';
import { GENESIS_HASH } from '../../src/core/audit/audit-hash.js';
import { chainsDigest } from '../../src/core/audit/chain-verifier.js';
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
    // Two chains for the app, so one surely holds several entries to tamper with (the CLI's own appends use more).
    t = await startTestApp({ database: kind, overrides: { audit: { chains: 2 } } });
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
  const heads = () => db().selectFrom('audit_head').selectAll().orderBy('id').execute();
  const entryCount = async () => Number((await db().selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const entryAt = (chain: number, chainSeq: number) =>
    db().selectFrom('audit_log').selectAll().where('chain', '=', chain).where('chain_seq', '=', chainSeq).executeTakeFirstOrThrow();
  /** The chain holding the most entries, and how many. */
  const biggestChain = async () => {
    const rows = await heads();
    const top = rows.reduce((best, row) => (Number(row.seq) > Number(best.seq) ? row : best));
    return { chain: Number(top.id), length: Number(top.seq) };
  };
  const setHead = (chain: number, seq: number, hash: string) => db().updateTable('audit_head').set({ seq, hash }).where('id', '=', chain).execute();
  const broken = (chain: number, seq: number, reason: string) => ({ code: 1, stdout: `audit chain broken at chain ${chain}, seq ${seq} (${reason})\n`, stderr: '' });

  it('reports intact chains with their length and a digest of the heads, reading page by page', async (ctx) => {
    if (!enabled) return ctx.skip();
    const count = await entryCount();
    // users added (2), reset started, code sent, code failed, code verified, reset completed, notice sent, …
    expect(count).toBeGreaterThanOrEqual(8);
    const events = (await db().selectFrom('audit_log').select('event').orderBy('seq').execute()).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['user.created', 'reset.started', 'reset.code_sent', 'reset.code_failed', 'reset.completed']));

    const used = (await heads()).filter((h) => Number(h.seq) > 0);
    expect(used.reduce((sum, h) => sum + Number(h.seq), 0)).toBe(count);
    expect(used.length).toBeGreaterThan(1);
    const digest = chainsDigest(new Map(used.map((h) => [Number(h.id), { entries: Number(h.seq), headHash: h.hash }])));
    for (const pageSize of ['1', '3', '1000']) {
      const result = await ws.run(['audit', 'verify', '--page-size', pageSize]);
      expect(result).toEqual({ code: 0, stdout: `audit chain intact: ${count} entries in ${used.length} chains, heads digest ${digest}\n`, stderr: '' });
    }
  });

  it('the reader pages through every entry, chain by chain, each chain without gaps', async (ctx) => {
    if (!enabled) return ctx.skip();
    const read: Array<[number, number]> = [];
    for await (const entry of new SqlAuditReader(db()).entries({ pageSize: 2 })) read.push([entry.chain, entry.chainSeq]);
    const expected = (await heads()).flatMap((h) => Array.from({ length: Number(h.seq) }, (_, i): [number, number] => [Number(h.id), i + 1]));
    expect(read).toEqual(expected);
    expect(read).toHaveLength(await entryCount());
  });

  it('names the entry whose details were changed, and is intact again once they are restored', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { chain, length } = await biggestChain();
    expect(length).toBeGreaterThanOrEqual(3);
    const original = await entryAt(chain, 2);
    await db().updateTable('audit_log').set({ details: '{"outcome":"nothing to see"}' }).where('seq', '=', original.seq).execute();
    expect(await ws.run(['audit', 'verify', '--page-size', '2'])).toEqual(broken(chain, 2, 'hash mismatch: the entry was changed or moved after it was written'));

    await db().updateTable('audit_log').set({ details: original.details }).where('seq', '=', original.seq).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('names a rewritten link (prev_hash) and a missing middle entry', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { chain } = await biggestChain();
    const row = await entryAt(chain, 2);
    await db().updateTable('audit_log').set({ prev_hash: 'f'.repeat(64) }).where('seq', '=', row.seq).execute();
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(chain, 2, 'prev_hash mismatch: the entry does not follow the one before it'));
    await db().deleteFrom('audit_log').where('seq', '=', row.seq).execute();
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(chain, 3, 'sequence gap: entry seq 2 is missing'));
    await db().insertInto('audit_log').values(row).execute();
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('detects the last entry of a chain being deleted, which the chain alone cannot show', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { chain, length: last } = await biggestChain();
    const row = await entryAt(chain, last);
    await db().deleteFrom('audit_log').where('seq', '=', row.seq).execute();
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(chain, last, `missing: the chain ends at seq ${last - 1} but audit_head records seq ${last}`));

    // Entries appended without going through the appender (head not moved) are caught as well.
    await db().insertInto('audit_log').values(row).execute();
    await setHead(chain, last - 1, row.prev_hash);
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(chain, last, `the entry is beyond the last one recorded in audit_head (seq ${last - 1})`));
    await setHead(chain, last, row.hash);
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('detects an entry moved to another chain, heads and links adjusted to fit', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { chain, length: last } = await biggestChain();
    const empty = Number((await heads()).find((h) => Number(h.seq) === 0)!.id);
    const row = await entryAt(chain, last);
    // The entry becomes the first of an empty chain; both heads are moved as the appender would have.
    await db().updateTable('audit_log').set({ chain: empty, chain_seq: 1, prev_hash: GENESIS_HASH }).where('seq', '=', row.seq).execute();
    await setHead(chain, last - 1, row.prev_hash);
    await setHead(empty, 1, row.hash);
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(empty, 1, 'hash mismatch: the entry was changed or moved after it was written'));

    await db().updateTable('audit_log').set({ chain, chain_seq: last, prev_hash: row.prev_hash }).where('seq', '=', row.seq).execute();
    await setHead(empty, 0, GENESIS_HASH);
    await setHead(chain, last, row.hash);
    expect(await ws.run(['audit', 'verify'])).toMatchObject({ code: 0 });
  });

  it('names a missing head row', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { chain, length } = await biggestChain();
    const head = (await heads()).find((h) => Number(h.id) === chain)!;
    await db().deleteFrom('audit_head').where('id', '=', chain).execute();
    expect(await ws.run(['audit', 'verify'])).toEqual(broken(chain, 1, `audit_head has no row for chain ${chain}`));
    await db().insertInto('audit_head').values(head).execute();
    expect(Number(head.seq)).toBe(length);
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
    expect(await ws.run(['audit', 'verify'])).toEqual({ code: 0, stdout: `audit chain intact: 0 entries in 0 chains, heads digest ${chainsDigest(new Map())}\n`, stderr: '' });
  });

  it('refuses a bad --page-size', async () => {
    expect(await ws.run(['audit', 'verify', '--page-size', '0'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--page-size must be a whole number/) });
  });
});
