import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { cli, cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

const TENANTS = [
  { id: 'demo', name: 'Demo Company' },
  { id: 'acme', name: 'Acme Corp' },
];

/** The same suite on the embedded SQLite file and on PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('unlatch users (%s)', (kind) => {
  let ws: CliWorkspace;
  let db: DatabaseHandle;
  let dropPg: (() => Promise<void>) | undefined;
  let enabled = true;
  const hasher = new Argon2Hasher();

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    const pg = kind === 'postgres' ? await createTempPostgresDatabase() : null;
    dropPg = pg?.drop;
    ws = cliWorkspace({ tenants: TENANTS, ...(pg ? { database: { url: pg.url } } : {}) });
    // Before the CLI ever ran: the user commands must migrate a fresh database themselves.
    expect(await ws.run(['users', 'list'])).toMatchObject({ code: 0, stdout: 'no users\n' });
    db = openDatabase(pg ? pg.url : `sqlite:${join(ws.dir, 'data', 'unlatch.db')}`);
  });

  afterAll(async () => {
    await db?.close();
    await dropPg?.();
    ws?.remove();
  });

  const users = () => new SqlUserRepository(db.db).list();
  const auditEvents = async () => (await db.db.selectFrom('audit_log').select(['event', 'actor', 'tenant_id', 'details']).orderBy('seq').execute());
  const writeCsv = (name: string, text: string) => {
    const path = join(ws.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('adds users and lists them as a table and as JSON, never with a hash', async (ctx) => {
    if (!enabled) return ctx.skip();
    const plain = await ws.run(['users', 'add', '--username', 'dave', '--email', 'dave@example.com', '--display-name', 'Dave Dunn', '--groups', 'staff, ops,staff']);
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^added user "dave" to tenant demo \(id [0-9a-f-]{36}, no password yet\)\n$/);

    const withPassword = await ws.run(['users', 'add', '--tenant', 'acme', '--username', 'erin', '--email', 'erin@acme.example', '--password-stdin', '--disabled'], {
      stdin: 'copper walrus orbit 42\nsecond line is ignored\n',
    });
    expect(withPassword.stderr).toBe('');
    expect(withPassword.code).toBe(0);

    const stored = await users();
    const erin = stored.find((u) => u.username === 'erin')!;
    expect(erin).toMatchObject({ tenantId: 'acme', enabled: false, locked: false });
    expect(erin.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(erin.passwordHash!, 'copper walrus orbit 42')).toBe(true);
    expect(stored.find((u) => u.username === 'dave')).toMatchObject({ tenantId: 'demo', groups: ['staff', 'ops'], passwordHash: null, enabled: true });

    const table = await ws.run(['users', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+USERNAME\s+EMAIL\s+DISPLAY NAME\s+GROUPS\s+ENABLED\s+LOCKED$/);
    expect(lines[1]).toMatch(/^acme\s+erin\s+erin@acme\.example\s+-\s+-\s+no\s+no$/);
    expect(lines[2]).toMatch(/^demo\s+dave\s+dave@example\.com\s+Dave Dunn\s+staff,ops\s+yes\s+no$/);
    expect(lines[3]).toBe('2 users');

    const onlyDemo = await ws.run(['users', 'list', '--tenant', 'demo', '--json']);
    const json = JSON.parse(onlyDemo.stdout) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ tenant: 'demo', username: 'dave', displayName: 'Dave Dunn', groups: ['staff', 'ops'], enabled: true, locked: false, hasPassword: false });
    const all = await ws.run(['users', 'list', '--json']);
    for (const output of [table.stdout, all.stdout]) {
      expect(output).not.toContain('$argon2');
      expect(output).not.toMatch(/hash/i);
    }

    const events = await auditEvents();
    expect(events.map((e) => [e.event, e.actor, e.tenant_id])).toEqual([
      ['user.created', 'cli', 'demo'],
      ['user.created', 'cli', 'acme'],
    ]);
    expect(JSON.parse(events[1]!.details)).toMatchObject({ username: 'erin', passwordSet: true, enabled: false });
  });

  it('refuses a duplicate username in the same tenant, whatever its case, and allows it in another', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = (await users()).length;
    const dup = await ws.run(['users', 'add', '--username', 'DAVE']);
    expect(dup).toMatchObject({ code: 1, stdout: '' });
    expect(dup.stderr).toBe('unlatch users add: user "DAVE" already exists in tenant demo\n');
    expect(await ws.run(['users', 'add', '--tenant', 'acme', '--username', 'dave'])).toMatchObject({ code: 0 });
    expect((await users()).length).toBe(before + 1);
  });

  it('rejects a too-common password with the reasons in plain words and stores nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = (await users()).length;
    const result = await ws.run(['users', 'add', '--username', 'frank', '--password-stdin'], { stdin: 'password1\n' });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain('unlatch users add: password rejected: This password is one of the most commonly used passwords');
    expect(result.stderr).not.toContain('password1');
    expect((await users()).length).toBe(before);
  });

  it('refuses bad arguments with exit code 2 and one line', async (ctx) => {
    if (!enabled) return ctx.skip();
    const cases: [string[], RegExp][] = [
      [['users', 'add', '--username', 'gina', '--tenant', 'nope'], /unknown tenant "nope" \(configured: demo, acme\)/],
      [['users', 'add', '--username', 'gina', '--email', 'not-an-email'], /bad email "not-an-email"/],
      [['users', 'add', '--email', 'g@example.com'], /--username is required/],
      [['users', 'add', '--username', 'two words'], /must not contain spaces/],
      [['users', 'add', '--username', 'gina', '--password=hunter2'], /never taken as an argument/],
      [['users', 'add', '--username', 'gina', 'hunter2'], /unexpected argument/],
      [['users', 'list', '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const result = await ws.run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      // A password typed in the wrong place is not echoed back.
      expect(result.stderr).not.toContain('hunter2');
    }
    expect((await users()).some((u) => u.username === 'gina')).toBe(false);
  });

  it('imports a good CSV (BOM, CRLF, quoting, several tenants, a carried-over hash) in one go', async (ctx) => {
    if (!enabled) return ctx.skip();
    const carried = await hasher.hash('an old password that carries over');
    const csv = [
      '\uFEFFusername,email,display_name,groups,tenant,enabled,password_hash',
      `hana,hana@example.com,"Hana ""H"" Ito",staff;vpn,,true,"${carried}"`,
      'ivan,,"Petrov, Ivan",,acme,false,',
      'judy,judy@example.com,Judy Jones,,,,',
      '',
    ].join('\r\n');
    const result = await ws.run(['users', 'import', writeCsv('good.csv', csv)]);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'imported 3 users into tenants demo (2), acme (1)\n' });

    const stored = await users();
    expect(stored.find((u) => u.username === 'hana')).toMatchObject({ tenantId: 'demo', displayName: 'Hana "H" Ito', groups: ['staff', 'vpn'], enabled: true, passwordHash: carried });
    expect(stored.find((u) => u.username === 'ivan')).toMatchObject({ tenantId: 'acme', displayName: 'Petrov, Ivan', email: null, enabled: false, passwordHash: null });
    expect(stored.find((u) => u.username === 'judy')).toMatchObject({ tenantId: 'demo', displayName: 'Judy Jones', groups: [] });
    expect(await hasher.verify(stored.find((u) => u.username === 'hana')!.passwordHash!, 'an old password that carries over')).toBe(true);

    const listed = await ws.run(['users', 'list', '--tenant', 'demo']);
    expect(listed.stdout).toMatch(/^demo\s+hana\s+hana@example\.com\s+Hana "H" Ito\s+staff,vpn\s+yes\s+no$/m);
    expect(listed.stdout).not.toContain('$argon2');

    const imported = (await auditEvents()).filter((e) => e.event === 'user.imported');
    expect(imported).toHaveLength(1);
    expect(imported[0]!.actor).toBe('cli');
    expect(JSON.parse(imported[0]!.details)).toEqual({ count: 3, file: 'good.csv', tenants: { demo: 2, acme: 1 } });
  });

  it('uses --tenant for rows without a tenant value', async (ctx) => {
    if (!enabled) return ctx.skip();
    const result = await ws.run(['users', 'import', writeCsv('acme.csv', 'username\nkate\n'), '--tenant', 'acme']);
    expect(result).toMatchObject({ code: 0, stdout: 'imported 1 user into tenant acme\n' });
    expect((await users()).find((u) => u.username === 'kate')?.tenantId).toBe('acme');
  });

  it('reports both bad rows of a CSV by their line in the file and imports nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = await users();
    const eventsBefore = (await auditEvents()).length;
    const csv = [
      'username,email,display_name', // line 1
      'leo,leo@example.com,"Leo', // lines 2-3: bad, a line break inside a display name
      'Lion"',
      'mia,mia@example.com,Mia', // line 4
      ',nobody@example.com,No Name', // line 5: bad
      'olga,olga@example.com,Olga', // line 6
    ].join('\n');
    const result = await ws.run(['users', 'import', writeCsv('two-bad.csv', csv)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(['line 2: display name contains control characters', 'line 5: missing username', 'nothing imported: 2 of 4 rows have problems', ''].join('\n'));
    expect(await users()).toEqual(before);
    expect((await auditEvents()).length).toBe(eventsBefore);
  });

  it('reports every kind of bad row, including usernames already stored', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = (await users()).length;
    const csv = [
      'Username , Email,tenant,enabled,password_hash,groups',
      'dave,,,,,', // 2: exists in demo
      'Hana,,demo,,,', // 3: exists in demo (case-insensitive)
      'pia,,mars,,,', // 4: unknown tenant
      'quinn,,,maybe,,', // 5: bad enabled
      'rosa,,,,$2b$12$notargon,', // 6: malformed hash
      'sam,,', // 7: wrong column count
      'tina,,,,$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA,', // 8: unquoted hash
      'tom,,,,,', // 9: fine
      'TOM,,,,,', // 10: duplicate within the file
      'uma,"bad"quote@example.com,,,,', // 11: malformed quoting
      'vera,x@@example,,,,', // 12: bad email
      'dave,,acme,,,', // 13: exists in acme too
    ].join('\n');
    const result = await ws.run(['users', 'import', writeCsv('all-bad.csv', csv)]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'line 2: username "dave" already exists in tenant demo',
      'line 3: username "Hana" already exists in tenant demo',
      'line 4: unknown tenant "mars"',
      'line 5: enabled must be true or false, not "maybe"',
      'line 6: password_hash is not an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)',
      'line 7: expected 6 fields as in the header, found 3',
      'line 8: expected 6 fields as in the header, found 8 (quote the password_hash: it contains commas)',
      'line 10: duplicate username "TOM" (also on line 9)',
      'line 11: text after a closing quote (a quote inside a field must be doubled and the whole field quoted)',
      'line 12: bad email "x@@example"',
      'line 13: username "dave" already exists in tenant acme',
      'nothing imported: 11 of 12 rows have problems',
    ]);
    expect(result.stderr).not.toContain('$2b$12$notargon');
    expect((await users()).length).toBe(before);
  });

  it('refuses a bad header, an empty file and a missing file', async (ctx) => {
    if (!enabled) return ctx.skip();
    const header = await ws.run(['users', 'import', writeCsv('header.csv', 'user,email,email\nx,y,z\n')]);
    expect(header.code).toBe(1);
    expect(header.stderr).toBe(
      [
        'line 1: unknown column "user" (known: username, email, phone, display_name, groups, tenant, enabled, password_hash)',
        'line 1: column "email" appears twice',
        'nothing imported: fix the header line',
        '',
      ].join('\n'),
    );
    expect(await ws.run(['users', 'import', writeCsv('empty.csv', '\uFEFF')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/the file is empty/) });
    expect(await ws.run(['users', 'import', writeCsv('only-header.csv', 'username\n')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no rows after the header/) });
    expect(await ws.run(['users', 'import', join(ws.dir, 'missing.csv')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/missing\.csv: no such file\n$/) });
    expect(await ws.run(['users', 'import'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/missing <file\.csv>/) });
  });

  it('lists stored control characters harmlessly (no terminal escapes, no broken rows)', async (ctx) => {
    if (!enabled) return ctx.skip();
    // Not through the CLI (it refuses these), as another writer might have stored them.
    await new SqlUserRepository(db.db).insert({ tenantId: 'acme', username: 'zed', displayName: 'Zed\u001b[2J\nEvil' }, new Date());
    const listed = await ws.run(['users', 'list', '--tenant', 'acme']);
    expect(listed.stdout).not.toContain('\u001b');
    expect(listed.stdout).toMatch(/^acme\s+zed\s+-\s+Zed\uFFFD\[2J\uFFFDEvil\s+-\s+yes\s+no$/m);
    await db.db.deleteFrom('users').where('username', '=', 'zed').execute();
  });

  it('leaves an audit chain that verifies', async (ctx) => {
    if (!enabled) return ctx.skip();
    const result = await ws.run(['audit', 'verify']);
    const count = (await auditEvents()).length;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^audit chain intact: ${count} entries in \\d+ chains?, heads digest [0-9a-f]{64}\\n$`));
  });
});

describe('unlatch users: global options and failures', () => {
  let ws: CliWorkspace;
  beforeAll(() => {
    ws = cliWorkspace({});
  });
  afterAll(() => ws.remove());

  it('takes --config before the command as well as after it', async () => {
    for (const args of [['--config', ws.configPath, 'users', 'list'], [`--config=${ws.configPath}`, 'users', 'list', '--json'], ['users', '--config', ws.configPath, 'list']]) {
      const result = await cli(args, { cwd: ws.dir });
      expect(result.stderr, args.join(' ')).toBe('');
      expect(result.code).toBe(0);
    }
  });

  it('says in one line when the database cannot be reached, without its password', async () => {
    const result = await ws.run(['users', 'list'], { env: { UNLATCH_DATABASE_URL: 'postgres://unlatch:s3cret-pw@127.0.0.1:1/nothing' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^unlatch users list: database unreachable \(postgres:\/\/unlatch:\*\*\*@127\.0\.0\.1:1\/nothing\): .*ECONNREFUSED.*\n$/);
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  it('prints the stack only with UNLATCH_DEBUG=1', async () => {
    const plain = await ws.run(['users', 'list', '--tenant', 'nope']);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    const debug = await ws.run(['users', 'list', '--tenant', 'nope'], { env: { UNLATCH_DEBUG: '1' } });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^unlatch users list: unknown tenant "nope".*\nUsageError: unknown tenant[^\n]*\n\s+at /);
  });
});
