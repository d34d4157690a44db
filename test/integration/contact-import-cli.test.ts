import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

const TENANTS = [
  { id: 'demo', name: 'Demo Company' },
  { id: 'acme', name: 'Acme Corp' },
];
// Acme's HR data is trusted: imported contacts count at once there.
const POLICY = { tenants: { acme: { trustImportedContacts: true } } };

const PEOPLE = [
  'username,email,display_name,tenant',
  'ada,ada@corp.example,Ada Lovelace,demo',
  'bob,bob@corp.example,Bob Builder,demo',
  'carol,carol@corp.example,Carol Chen,demo',
  'dora,dora@acme.example,Dora Dunn,acme',
].join('\n');

/** `unlatch methods import` run as a process would run it, on SQLite and on PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('unlatch methods import (%s)', (kind) => {
  let ws: CliWorkspace;
  let db: DatabaseHandle;
  let dropPg: (() => Promise<void>) | undefined;
  let enabled = true;

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    const pg = kind === 'postgres' ? await createTempPostgresDatabase() : null;
    dropPg = pg?.drop;
    ws = cliWorkspace({ tenants: TENANTS, policy: POLICY, ...(pg ? { database: { url: pg.url } } : {}) });
    expect(await ws.run(['users', 'import', writeCsv('people.csv', PEOPLE)])).toMatchObject({ code: 0 });
    db = openDatabase(pg ? pg.url : `sqlite:${join(ws.dir, 'data', 'unlatch.db')}`);
  });

  afterAll(async () => {
    await db?.close();
    await dropPg?.();
    ws?.remove();
  });

  function writeCsv(name: string, text: string): string {
    const path = join(ws.dir, name);
    writeFileSync(path, text);
    return path;
  }
  const methods = async () => (await db.db.selectFrom('methods').innerJoin('users', 'users.id', 'methods.subject_id').select(['users.username', 'methods.kind', 'methods.data', 'methods.confirmed', 'methods.name']).orderBy('users.username').orderBy('methods.kind').execute())
    .map((m) => ({ username: m.username, kind: m.kind, data: JSON.parse(m.data) as Record<string, unknown>, confirmed: Number(m.confirmed) === 1, name: m.name }));
  const imported = async () => (await db.db.selectFrom('audit_log').select(['event', 'actor', 'tenant_id', 'subject_id', 'details']).where('event', '=', 'method.imported').orderBy('seq').execute());
  /** The queued notices, unsealed with the workspace's dev key: who they go to and what they say. */
  const notices = async () => {
    const key = readFileSync(join(ws.dir, 'data', 'secret.key'), 'utf8');
    const sealer = new Sealer(new KeyRing([{ id: 'dev', secret: Buffer.from(key.trim(), 'base64') }]), 'outbox-seal');
    const rows = await db.db.selectFrom('outbox').select(['template', 'tenant_id', 'payload']).where('template', '=', 'contacts_imported').orderBy('created_at').execute();
    return rows.map((r) => ({ tenant: r.tenant_id, ...(JSON.parse(sealer.open(r.payload!)) as { to: string; data: Record<string, unknown> }) }));
  };

  it('reports every bad row by line and imports nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const file = writeCsv('bad.csv', [
      'username,personal_email,mobile',
      'ada,ada.home@example.net,+41 44 668 18 00',
      'nobody,nobody@example.net,',
      'bob,bob@@example.net,',
      'carol,,0171 1234567',
      'ADA,ada.other@example.net,',
      'bob,bob.home@example.net,+447700900123,extra',
      '"carol,carol.home@example.net,',
    ].join('\r\n'));
    const result = await ws.run(['methods', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'line 3: no person "nobody" in tenant demo',
      'line 4: bad email "bob@@example.net"',
      'line 5: bad phone number "0171 1234567" (write it in international form, e.g. +41 44 668 18 00)',
      'line 6: the same person as on line 2',
      'line 7: expected 3 fields as in the header, found 4',
      'line 8: a quoted field that starts on line 8 is never closed',
      'nothing imported: 6 of 7 rows have problems',
    ]);
    expect(await methods()).toEqual([]);
    expect(await imported()).toEqual([]);
    expect(await notices()).toEqual([]);
  });

  it('refuses a bad header, an unknown tenant and a file that is not UTF-8, importing nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const header = await ws.run(['methods', 'import', writeCsv('header.csv', 'username,home_email\nada,a@example.net\n')]);
    expect(header).toMatchObject({ code: 1, stdout: '' });
    expect(header.stderr).toBe('line 1: unknown column "home_email" (known: username, email, personal_email, mobile)\nnothing imported\n');
    const tenant = await ws.run(['methods', 'import', writeCsv('ok.csv', 'username,mobile\nada,+41446681800\n'), '--tenant', 'nope']);
    expect(tenant.code).toBe(2);
    expect(tenant.stderr).toMatch(/unknown tenant "nope"/);
    writeFileSync(join(ws.dir, 'latin1.csv'), Buffer.from('username,personal_email\nada,j\xf6rg@example.net\n', 'latin1'));
    const latin1 = await ws.run(['methods', 'import', join(ws.dir, 'latin1.csv')]);
    expect(latin1.code).toBe(1);
    expect(latin1.stderr).toMatch(/not valid UTF-8/);
    expect((await ws.run(['methods', 'import', join(ws.dir, 'missing.csv')])).stderr).toMatch(/missing\.csv: no such file/);
    expect(await methods()).toEqual([]);
  });

  it('a dry run says what would change and writes nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const result = await ws.run(['methods', 'import', writeCsv('dry.csv', 'username,personal_email\nada,ada.home@example.net\n'), '--dry-run']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('dry run, nothing written: 1 row checked; would add 1 address and 0 phone numbers for 1 person (0 confirmed at once, 1 waiting for the person to confirm) in tenant demo\n');
    expect(await methods()).toEqual([]);
  });

  it('imports a good file (BOM, CRLF, quoting, several values, 00 numbers) unconfirmed by default, audited and announced; again, it changes nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const file = writeCsv('good.csv', [
      '\uFEFFUsername,Email,Personal_Email,MOBILE',
      'ada,,"Ada.Home@Example.NET; ada@corp.example",0041 44 668 18 00',
      ',bob@corp.example,"bob.home@example.org",',
      'carol,,,+44 7700 900123',
      '',
    ].join('\r\n'));
    const result = await ws.run(['methods', 'import', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('imported: added 2 addresses and 2 phone numbers for 3 people (0 confirmed at once, 4 waiting for the person to confirm) in tenant demo\n');

    // The directory's own address (ada@corp.example) is no extra method; the rest waits for the person to confirm it.
    expect(await methods()).toEqual([
      { username: 'ada', kind: 'email_code', data: { email: 'Ada.Home@example.net', source: 'import' }, confirmed: false, name: 'Email A•••@example.net' },
      { username: 'ada', kind: 'sms_code', data: { phone: '+41446681800', source: 'import' }, confirmed: false, name: 'Phone •••• 1800' },
      { username: 'bob', kind: 'email_code', data: { email: 'bob.home@example.org', source: 'import' }, confirmed: false, name: 'Email b•••@example.org' },
      { username: 'carol', kind: 'sms_code', data: { phone: '+447700900123', source: 'import' }, confirmed: false, name: 'Phone •••• 0123' },
    ]);
    const entries = await imported();
    expect(entries.map((e) => [e.actor, e.tenant_id])).toEqual([['cli', 'demo'], ['cli', 'demo'], ['cli', 'demo']]);
    const details = entries.map((e) => JSON.parse(e.details) as Record<string, unknown>);
    expect(details[0]).toMatchObject({ source: 'import', confirmed: false, file: 'good.csv', added: [{ kind: 'email_code', value: 'A•••@example.net' }, { kind: 'sms_code', value: '•••• 1800' }] });
    // No full address or number in the audit log.
    expect(JSON.stringify(details)).not.toMatch(/ada\.home|41446681800/i);

    const sent = await notices();
    expect(sent.map((n) => n.to).sort()).toEqual(['Ada.Home@example.net', 'ada@corp.example', 'bob.home@example.org', 'bob@corp.example', 'carol@corp.example']);
    expect(sent.find((n) => n.to === 'ada@corp.example')!.data).toMatchObject({ displayName: 'Ada Lovelace', tenantName: 'Demo Company', added: 'A•••@example.net, •••• 1800', confirmed: 0, source: 'import' });

    const again = await ws.run(['methods', 'import', file]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toBe('nothing to import: every value of the 3 rows is already there (tenant demo)\n');
    expect(await imported()).toHaveLength(3);
    expect(await notices()).toHaveLength(5);
    expect(await methods()).toHaveLength(4);
  });

  it('where the policy trusts imported contacts, they are confirmed at once', async (ctx) => {
    if (!enabled) return ctx.skip();
    const result = await ws.run(['methods', 'import', writeCsv('acme.csv', 'email,personal_email,mobile\ndora@acme.example,dora@home.example,+15550109999\n'), '--tenant', 'acme']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('imported: added 1 address and 1 phone number for 1 person (2 confirmed at once, 0 waiting for the person to confirm) in tenant acme\n');
    expect((await methods()).filter((m) => m.username === 'dora')).toEqual([
      { username: 'dora', kind: 'email_code', data: { email: 'dora@home.example', source: 'import' }, confirmed: true, name: 'Email d•••@home.example' },
      { username: 'dora', kind: 'sms_code', data: { phone: '+15550109999', source: 'import' }, confirmed: true, name: 'Phone •••• 9999' },
    ]);
    expect(JSON.parse((await imported()).at(-1)!.details)).toMatchObject({ source: 'import', confirmed: true });
  });
});
