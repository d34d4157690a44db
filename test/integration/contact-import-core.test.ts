import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { ConfigTenants } from '../../src/adapters/tenants/config-tenants.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import type { CsvRecord } from '../../src/core/enrolment/contact-import-csv.js';
import { ContactWriter } from '../../src/core/enrolment/contact-import-writer.js';
import { ContactImport } from '../../src/core/enrolment/contact-import.js';
import { ContactSync } from '../../src/core/enrolment/contact-sync.js';
import { DEFAULT_TENANT_POLICY } from '../../src/core/policy/method-policy.js';
import { systemClock } from '../../src/core/ports/clock.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

/** The import's and the sync's core on the real stores: SQLite and PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('contact import core (%s)', (kind) => {
  let enabled = true;
  let handle: DatabaseHandle;
  let reader: DatabaseHandle;
  let cleanup: () => Promise<void>;
  let importer: ContactImport;
  let writer: ContactWriter;
  let store: SqlStore;
  let methods: SqlMethodRepository;
  let directory: SqlDirectory;
  const people: Record<string, DirectoryAccount> = {};

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
      const pg = await createTempPostgresDatabase();
      handle = openDatabase(pg.url);
      reader = handle;
      cleanup = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'unlatch-contacts-'));
      handle = openDatabase(`sqlite:${join(dir, 'test.db')}`);
      // The import looks people up while its transaction holds the SQLite connection: a second one reads (as the CLI does).
      reader = openDatabase(`sqlite:${join(dir, 'test.db')}`);
      cleanup = async () => {
        await reader.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    await migrateToLatest(handle.db);
    const keys = new KeyRing([{ id: 'k1', secret: randomBytes(32) }]);
    store = new SqlStore(handle, new Sealer(keys, 'outbox-seal'), systemClock);
    methods = new SqlMethodRepository(handle.db, new Sealer(keys, 'totp-seal'));
    directory = new SqlDirectory(reader.db, new Argon2Hasher(), systemClock);
    const users = new SqlUserRepository(handle.db);
    for (const name of ['ada', 'bob']) await users.insert({ tenantId: 'demo', username: name, email: `${name}@corp.example`, groups: [] }, new Date());
    for (const name of ['ada', 'bob']) people[name] = (await directory.findByIdentifier('demo', name))!;
    writer = new ContactWriter({ methods, tenants: new ConfigTenants([{ id: 'demo', name: 'Demo' }], 'demo'), clock: systemClock, policyFor: () => DEFAULT_TENANT_POLICY });
    importer = new ContactImport({ store, directory, writer });
  });

  afterAll(async () => {
    if (handle) await handle.close();
    await cleanup?.();
  });

  const count = async (table: 'methods' | 'outbox' | 'audit_log') => Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  async function* records(lines: string[]): AsyncGenerator<CsvRecord> {
    for (const [index, line] of lines.entries()) yield { line: index + 1, fields: line.split(',') };
  }

  it('a row that goes bad between the check and the write rolls back every row already written', async (ctx) => {
    if (!enabled) return ctx.skip();
    const file = ['username,personal_email', 'ada,ada.home@example.net', 'bob,bob.home@example.net'];
    expect(await importer.check('demo', records(file))).toMatchObject({ problems: [], rows: 2 });
    // Between the check and the write, the file (or the directory) changed: line 3 now names nobody.
    const changed = ['username,personal_email', 'ada,ada.home@example.net', 'ghost,ghost@example.net'];
    await expect(importer.commit('demo', records(changed), { actor: 'cli' })).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'import_changed', problems: [{ line: 3, message: 'no person "ghost" in tenant demo' }] },
    });
    expect(await count('methods')).toBe(0);
    expect(await count('outbox')).toBe(0);
    expect(await count('audit_log')).toBe(0);

    expect(await importer.commit('demo', records(file), { actor: 'cli', reference: 'hr.csv' })).toEqual({ rows: 2, people: 2, emails: 2, phones: 0, confirmed: 0 });
    expect(await count('methods')).toBe(2);
    expect(await count('audit_log')).toBe(2);
  });

  it('one transaction holds the audit entries of thousands of people (past the databases\' bind-parameter limits), chained in order', async (ctx) => {
    if (!enabled) return ctx.skip();
    const before = await count('audit_log');
    await store.transaction(async (tx) => {
      for (let i = 0; i < 4000; i++) await tx.audit.append({ event: 'method.imported', outcome: 'success', tenantId: 'demo', subjectId: `s${i}`, actor: 'cli', details: { i } });
    });
    const rows = await handle.db.selectFrom('audit_log').select(['chain', 'chain_seq', 'prev_hash', 'hash', 'subject_id']).where('event', '=', 'method.imported').where('subject_id', 'like', 's%').orderBy('chain_seq').execute();
    expect(await count('audit_log')).toBe(before + 4000);
    expect(new Set(rows.map((r) => r.chain)).size).toBe(1);
    rows.forEach((row, index) => {
      expect(row.subject_id).toBe(`s${index}`);
      if (index > 0) expect(row.prev_hash).toBe(rows[index - 1]!.hash);
    });
  });

  it('sync: directory contact attributes become methods like an import; a dry run writes nothing; a second run changes nothing', async (ctx) => {
    if (!enabled) return ctx.skip();
    const accounts: DirectoryAccount[] = [
      { ...people.ada!, contacts: { emails: ['ada.home@example.net', 'Ada.Private@Example.org'], phones: ['+41 44 668 18 00'] } },
      { ...people.bob!, contacts: { emails: ['not an address'], phones: ['0171 1234567'] } },
      { ...people.bob!, id: 'no-contacts' },
    ];
    const fromDirectory = {
      async *listPeople(tenantId: string) {
        expect(tenantId).toBe('demo');
        yield* accounts;
      },
    };
    const sync = new ContactSync({ store, directory: fromDirectory, writer });
    const before = { methods: await count('methods'), outbox: await count('outbox'), audit: await count('audit_log') };

    const dry = await sync.run('demo', { dryRun: true, actor: 'cli' });
    // ada.home@example.net came from the import above: only the other address and the phone are new.
    expect(dry).toMatchObject({ people: 3, withContacts: 1, changed: 1, emails: 1, phones: 1, confirmed: 0, skippedTotal: 2 });
    expect(dry.skipped).toEqual([{ subject: 'bob', value: 'not an address' }, { subject: 'bob', value: '0171 1234567' }]);
    expect(await count('methods')).toBe(before.methods);

    expect(await sync.run('demo', { actor: 'cli' })).toMatchObject({ changed: 1, emails: 1, phones: 1 });
    const adaMethods = await methods.listForSubject('demo', people.ada!.id);
    // Methods added in the same millisecond list in id order: compare as a set.
    expect(adaMethods.map((m) => [m.kind, m.data, m.confirmed]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      ['email_code', { email: 'ada.home@example.net', source: 'import' }, false],
      ['email_code', { email: 'Ada.Private@example.org', source: 'directory' }, false],
      ['sms_code', { phone: '+41446681800', source: 'directory' }, false],
    ]);
    const entry = await handle.db.selectFrom('audit_log').select(['event', 'actor', 'subject_id', 'details']).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ event: 'method.imported', actor: 'cli', subject_id: people.ada!.id });
    expect(JSON.parse(entry.details)).toMatchObject({ source: 'directory', confirmed: false, added: [{ kind: 'email_code', value: 'A•••@example.org' }, { kind: 'sms_code', value: '•••• 1800' }] });
    // Notices: the directory mailbox and the new address (the earlier import's address is not confirmed, so not a mailbox yet).
    expect(await count('outbox')).toBe(before.outbox + 2);

    const again = { methods: await count('methods'), outbox: await count('outbox'), audit: await count('audit_log') };
    expect(await sync.run('demo', { actor: 'cli' })).toMatchObject({ changed: 0, emails: 0, phones: 0 });
    expect({ methods: await count('methods'), outbox: await count('outbox'), audit: await count('audit_log') }).toEqual(again);
  });
});
