import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const TENANTS = [
  { id: 'demo', name: 'Demo Company' },
  { id: 'acme', name: 'Acme Corp' },
];

/** `unlatch admin token create|list|revoke` against the database a running server uses; the same suite on SQLite and PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('unlatch admin token (%s)', (kind) => {
  let t: TestApp;
  let ws: CliWorkspace;
  let enabled = true;

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    t = await startTestApp({ database: kind, overrides: { tenants: TENANTS } });
    // The CLI on the server's own database, as an operator on the same host would run it.
    ws = cliWorkspace({ tenants: TENANTS, dataDir: t.config.dataDir, database: { url: t.config.database.url } });
  });
  afterAll(async () => {
    ws?.remove();
    await t?.close();
  });

  const create = async (args: string[]) => {
    const result = await ws.run(['admin', 'token', 'create', ...args]);
    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim();
    expect(token).toMatch(/^unlatch_at_[A-Za-z0-9_-]{20,64}$/);
    const id = /created token ([A-Za-z0-9_-]+) /.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    return { token, id: id!, result };
  };
  const get = (url: string, token: string) => t.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const tokenEvents = () => t.app.database.db.selectFrom('audit_log').select(['event', 'actor', 'tenant_id', 'details']).where('event', 'in', ['admin.token_created', 'admin.token_revoked']).orderBy('seq').execute();

  it('creates a token that works on the admin API until it is revoked, and audits both', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { token, id, result } = await create(['--role', 'admin', '--tenant', 'demo', '--expires', '30d', '--name', 'SIEM pull']);
    expect(result.stdout).toBe(`${token}\n`);
    expect(result.stderr).toContain('role admin on demo');
    expect(result.stderr).not.toContain(token);

    const me = await get('/api/v1/admin/me', token);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toEqual({ name: 'SIEM pull', tenants: [{ id: 'demo', roles: ['admin'] }] });
    const system = await get('/api/v1/admin/tenants/demo/system', token);
    expect(system.statusCode, system.body).toBe(200);
    expect(system.json()).toMatchObject({ version: expect.any(String), directories: [{ name: 'builtin', type: 'builtin' }] });

    // Listed by id, never with the token or its hash.
    const list = await ws.run(['admin', 'token', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('SIEM pull');
    expect(list.stdout).toMatch(/active/);
    expect(list.stdout).not.toContain(token.slice('unlatch_at_'.length));
    const json = await ws.run(['admin', 'token', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id, role: 'admin', tenants: ['demo'], state: 'active', createdBy: 'cli' })]));

    const revoked = await ws.run(['admin', 'token', 'revoke', id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${id}\n` });
    expect((await get('/api/v1/admin/me', token)).statusCode).toBe(401);
    expect((await get('/api/v1/admin/tenants/demo/system', token)).statusCode).toBe(401);
    expect((await ws.run(['admin', 'token', 'list', '--json'])).stdout).toMatch(new RegExp(`"id": "${id}"[\\s\\S]*?"state": "revoked"`));
    // A second revoke finds no live token.
    expect((await ws.run(['admin', 'token', 'revoke', id])).code).toBe(1);

    const events = (await tokenEvents()).filter((e) => JSON.parse(e.details).tokenId === id);
    expect(events.map((e) => [e.event, e.actor, e.tenant_id])).toEqual([
      ['admin.token_created', 'cli', 'demo'],
      ['admin.token_revoked', 'cli', 'demo'],
    ]);
    expect(JSON.stringify(events)).not.toContain(token.slice('unlatch_at_'.length));
  });

  it('stores only a hash of the token', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { token, id } = await create(['--role', 'auditor', '--tenant', 'demo', '--expires', '1d']);
    const rows = await t.app.database.db.selectFrom('admin_tokens').selectAll().execute();
    const row = rows.find((r) => r.id === id)!;
    expect(row).toBeDefined();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    const secretPart = token.slice('unlatch_at_'.length);
    expect(JSON.stringify(rows)).not.toContain(secretPart);
    expect(JSON.stringify(await t.app.database.db.selectFrom('audit_log').selectAll().execute())).not.toContain(secretPart);
  });

  it('refuses an expired token', async (ctx) => {
    if (!enabled) return ctx.skip();
    const { token } = await create(['--role', 'auditor', '--tenant', 'demo', '--expires', '5m']);
    expect((await get('/api/v1/admin/me', token)).statusCode).toBe(200);
    t.clock.advance(6 * 60);
    expect((await get('/api/v1/admin/me', token)).statusCode).toBe(401);
  });

  it("keeps a token to its tenants and its role: another tenant's data and an admin-only area answer 403", async (ctx) => {
    if (!enabled) return ctx.skip();
    const acme = await create(['--role', 'admin', '--tenant', 'acme', '--expires', '1h']);
    expect((await get('/api/v1/admin/tenants/acme/system', acme.token)).statusCode).toBe(200);
    expect((await get('/api/v1/admin/tenants/demo/system', acme.token)).statusCode).toBe(403);

    const both = await create(['--role', 'admin', '--tenant', 'demo', '--tenant', 'acme', '--expires', '1h']);
    expect((await get('/api/v1/admin/me', both.token)).json().tenants.map((x: { id: string }) => x.id)).toEqual(['demo', 'acme']);
    const created = (await tokenEvents()).filter((e) => e.event === 'admin.token_created' && JSON.parse(e.details).tokenId === both.id);
    expect(created.map((e) => e.tenant_id).sort()).toEqual(['acme', 'demo']);

    const auditor = await create(['--role', 'auditor', '--tenant', 'demo', '--expires', '1h']);
    expect((await get('/api/v1/admin/tenants/demo/system', auditor.token)).statusCode).toBe(403);
  });

  it('answers bad arguments with exit code 2 and one line, and never echoes a pasted token', async (ctx) => {
    if (!enabled) return ctx.skip();
    const cases: Array<[string[], RegExp]> = [
      [['--role', 'root', '--tenant', 'demo', '--expires', '1d'], /--role must be one of admin, helpdesk, auditor/],
      [['--role', 'admin', '--expires', '1d'], /--tenant is required/],
      [['--role', 'admin', '--tenant', 'nope', '--expires', '1d'], /unknown tenant "nope"/],
      [['--role', 'admin', '--tenant', 'demo'], /--expires is required/],
      [['--role', 'admin', '--tenant', 'demo', '--expires', 'forever'], /--expires takes a number and a unit/],
      [['--role', 'admin', '--tenant', 'demo', '--expires', '400d'], /--expires must be between 1 minute and 366 days/],
    ];
    for (const [args, message] of cases) {
      const result = await ws.run(['admin', 'token', 'create', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const pasted = await ws.run(['admin', 'token', 'revoke', 'unlatch_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).not.toContain('AAAAAAAAAAAAAAAAAAAA');
    const group = await ws.run(['admin', 'token']);
    expect(group.code).toBe(2);
    expect(group.stderr).toMatch(/missing subcommand: one of create, list, revoke/);
    expect((await ws.run(['admin'])).stderr).toMatch(/missing subcommand: one of token/);
  });
});
