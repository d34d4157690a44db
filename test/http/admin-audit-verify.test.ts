import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRole } from '../../src/core/admin/operator.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PASSWORD = 'verify table pass phrase';

interface RunJson {
  id: string;
  status: string;
  startedBy: string | null;
  entriesChecked: number;
  entriesTotal: number;
  chains: number | null;
  firstProblem: string | null;
  digest: string | null;
}

/** The audit log's verification from the console and the API: background runs, progress, one at a time, the CLI's runs. */
describe.each(['sqlite', 'postgres'] as const)('audit verification in the console on %s', (database) => {
  let t: TestApp;
  let ws: CliWorkspace;
  let enabled = true;
  const visitors = new Map<AdminRole, PortalVisitor>();
  const tokens = new Map<AdminRole, string>();

  beforeAll(async () => {
    if (database === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    t = await startTestApp({
      database,
      overrides: {
        audit: { chains: 2 },
        tenants: [
          { id: 'demo', name: 'Demo', operators: [{ group: 'g-admin', role: 'admin' }, { group: 'g-auditor', role: 'auditor' }] },
          { id: 'other', name: 'Other', operators: [{ group: 'g-admin', role: 'admin' }] },
        ],
      },
    });
    ws = cliWorkspace({ dataDir: t.config.dataDir, database: { url: t.config.database.url } });
    for (let i = 0; i < 30; i++) await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: `someone-${i}@example.org` } });
    const admin = t.app.admin!;
    for (const [name, group, role] of [['ada', 'g-admin', 'admin'], ['aud', 'g-auditor', 'auditor']] as const) {
      const id = await t.app.users.insert({ tenantId: 'demo', username: name, groups: [group], passwordHash: await t.app.hasher.hash(PASSWORD) }, t.clock.now());
      await admin.methods.add({ tenantId: 'demo', subjectId: id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, t.clock.now());
      t.clock.advance(31);
      const client = { ip: '127.0.0.1', userAgent: 'verify', correlationId: 'verify' };
      const started = await admin.signIn.start({ tenantId: 'demo', identifier: name, password: PASSWORD, client });
      const proven = await admin.signIn.proveTotp({ token: started.token, code: totpAt(SEED, t.clock.now().getTime()), client });
      if (!proven.ok) throw new Error(`sign-in of ${name} failed`);
      const visitor = new PortalVisitor(t);
      visitor.cookies.set('unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
      visitors.set(role, visitor);
      tokens.set(role, (await admin.tokens.create({ role, tenants: ['demo'], ttlSeconds: 3600, name, createdBy: 'test' })).token);
    }
  });
  afterAll(async () => {
    await t?.close();
    ws?.remove();
  });

  const db = () => t.app.database.db;
  const api = (method: 'GET' | 'POST', role: AdminRole, path: string) =>
    t.server.inject({ method, url: `/api/v1/admin/tenants/demo/${path}`, headers: { authorization: `Bearer ${tokens.get(role)}` }, ...(method === 'POST' ? { payload: {} } : {}) });
  const status = async () => (await api('GET', 'auditor', 'audit/verification')).json() as { running: RunJson | null; last: RunJson | null };
  const entryCount = async () => Number((await db().selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /**
   * Polls the status as a script would, letting the background run go on between polls; once it reads as
   * finished, waits for the run's own end (its `admin.audit_verified` entry is appended just after).
   */
  const untilFinished = async () => {
    for (let i = 0; i < 500; i++) {
      const now = await status();
      await t.app.admin!.auditVerifications!.idle();
      if (!now.running) return now.last!;
    }
    throw new Error('the verification did not finish');
  };

  it('records the CLI run: "last verified by" the CLI', async (ctx) => {
    if (!enabled) return ctx.skip();
    const count = await entryCount();
    const result = await ws.run(['audit', 'verify']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^audit chain intact: ${count} entries in \\d+ chains`));
    const { last, running } = await status();
    expect(running).toBeNull();
    expect(last).toMatchObject({ status: 'ok', startedBy: 'cli', entriesChecked: count, entriesTotal: count });
    const page = visibleText((await visitors.get('auditor')!.get('/admin/t/demo/audit')).body);
    expect(page).toContain('Started by the CLI (unlatch audit verify)');
    expect(page).toContain(`Entries checked ${count}`);
  });

  it('starts a verification from the console, in the background, and shows the result with the right count', async (ctx) => {
    if (!enabled) return ctx.skip();
    const admin = visitors.get('admin')!;
    const audit = await admin.get('/admin/t/demo/audit');
    expect(audit.body).toContain('action="/admin/t/demo/audit-verification"');
    const started = await admin.post('/admin/t/demo/audit-verification', {});
    expect(started.statusCode).toBe(303);
    expect(started.headers.location).toBe('/admin/t/demo/audit/verification');
    const last = await untilFinished();
    // Every entry up to the start's own `admin.action`; the `admin.audit_verified` came after the walk.
    const count = await entryCount();
    expect(last).toMatchObject({ status: 'ok', startedBy: 'operator:demo/ada', entriesChecked: count - 1, chains: 2 });
    expect(last.digest).toMatch(/^[0-9a-f]{64}$/);
    const entries = await db().selectFrom('audit_log').select(['event', 'actor', 'outcome', 'details']).where('event', 'in', ['admin.action', 'admin.audit_verified']).orderBy('seq').execute();
    expect(entries.map((e) => [e.event, e.actor, e.outcome])).toEqual([
      ['admin.action', 'operator:demo/ada', 'success'],
      ['admin.audit_verified', 'operator:demo/ada', 'success'],
    ]);
    expect(JSON.parse(entries[1]!.details)).toMatchObject({ runId: last.id, result: 'ok', entries: count - 1 });
    const page = await admin.get('/admin/t/demo/audit/verification');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(visibleText(page.body)).toContain('Result Intact');
    expect(visibleText(page.body)).toContain('Started by ada (demo)');
  });

  it('refuses a second start while one runs (409, a clear page), and takes over from a node that went silent', async (ctx) => {
    if (!enabled) return ctx.skip();
    const now = t.clock.now().getTime();
    // A run held by another node, still beating: started by an operator of a tenant `demo`'s operators do not see.
    await db().insertInto('audit_verifications').values({
      id: 'elsewhere', started_at: now, finished_at: null, started_by: 'operator:other/oli', status: 'running', entries_checked: 10, entries_total: 40,
      chains: null, first_problem: null, digest: null, heartbeat_at: now,
    }).execute();
    const admin = visitors.get('admin')!;
    const progress = await admin.get('/admin/t/demo/audit/verification');
    expect(progress.body).toContain('<meta http-equiv="refresh" content="2">');
    expect(progress.body).toMatch(/<progress aria-labelledby="verification-progress-label" max="40" value="10">25 %<\/progress>/);
    expect(visibleText(progress.body)).toContain('10 of about 40 entries checked (25 %)');
    expect(visibleText(progress.body)).toContain('by an operator of another tenant');
    expect(progress.body).not.toMatch(/oli \(other\)|operator:other/);

    await admin.get('/admin/t/demo/audit');
    const refused = await admin.post('/admin/t/demo/audit-verification', {});
    expect(refused.statusCode).toBe(409);
    expect(visibleText(refused.body)).toContain('A verification of the audit log is already running');
    const refusedApi = await api('POST', 'admin', 'audit-verification');
    expect(refusedApi.statusCode).toBe(409);
    expect(refusedApi.json()).toMatchObject({ code: 'audit_verification_running' });
    expect((await status()).running).toMatchObject({ id: 'elsewhere', startedBy: null, entriesChecked: 10 });

    // The other node died: its heartbeat is old. A new start fails its run and takes the slot.
    await db().updateTable('audit_verifications').set({ heartbeat_at: now - 10 * 60_000 }).where('id', '=', 'elsewhere').execute();
    const takeover = await api('POST', 'admin', 'audit-verification');
    expect(takeover.statusCode).toBe(202);
    expect(takeover.json()).toMatchObject({ status: 'running', startedBy: `token:${(await t.app.admin!.tokens.resolve(tokens.get('admin')!)).id}` });
    const dead = await db().selectFrom('audit_verifications').selectAll().where('id', '=', 'elsewhere').executeTakeFirstOrThrow();
    expect(dead.status).toBe('failed');
    expect(dead.first_problem).toMatch(/no heartbeat/);
    expect(await untilFinished()).toMatchObject({ status: 'ok' });
  });

  it('lets an auditor see the status but not start one (403 in the console and the API)', async (ctx) => {
    if (!enabled) return ctx.skip();
    const auditor = visitors.get('auditor')!;
    const page = await auditor.get('/admin/t/demo/audit/verification');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('Last verification');
    expect(page.body).not.toContain('action="/admin/t/demo/audit-verification"');
    expect((await auditor.post('/admin/t/demo/audit-verification', {})).statusCode).toBe(403);
    expect((await api('GET', 'auditor', 'audit/verification')).statusCode).toBe(200);
    expect((await api('POST', 'auditor', 'audit-verification')).statusCode).toBe(403);
    expect((await status()).running).toBeNull();
  });

  it('finds a tampered entry: broken, naming the first problem', async (ctx) => {
    if (!enabled) return ctx.skip();
    const victim = await db().selectFrom('audit_log').select(['seq', 'chain', 'chain_seq', 'details']).where('event', '=', 'reset.started').orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await db().updateTable('audit_log').set({ details: JSON.stringify({ tampered: true }) }).where('seq', '=', victim.seq).execute();
    try {
      expect((await api('POST', 'admin', 'audit-verification')).statusCode).toBe(202);
      const last = await untilFinished();
      expect(last.status).toBe('broken');
      expect(last.firstProblem).toBe(`chain ${victim.chain}, seq ${victim.chain_seq}: hash mismatch: the entry was changed or moved after it was written`);
      const page = visibleText((await visitors.get('admin')!.get('/admin/t/demo/audit/verification')).body);
      expect(page).toContain('Result Broken');
      expect(page).toContain(`First problem chain ${victim.chain}, seq ${victim.chain_seq}: hash mismatch`);
      const verified = await db().selectFrom('audit_log').select(['outcome', 'details']).where('event', '=', 'admin.audit_verified').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(verified.outcome).toBe('failure');
      expect(JSON.parse(verified.details)).toMatchObject({ result: 'broken' });
    } finally {
      await db().updateTable('audit_log').set({ details: victim.details }).where('seq', '=', victim.seq).execute();
    }
  });
});
