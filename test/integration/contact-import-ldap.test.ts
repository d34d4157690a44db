import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { ldapDirectory } from '../helpers/ldap-app.js';
import { addedPersonDn } from '../helpers/ldap-people.js';
import { shouldRun } from '../helpers/services.js';
import { slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';

/**
 * `unlatch methods sync` and `methods import` against a real slapd: personal addresses and phones from mapped
 * directory attributes (`contactAttributes`) become methods, idempotently; CSV rows are looked up in LDAP.
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('contact data from OpenLDAP', () => {
  let slapd: Slapd;
  let ws: CliWorkspace;
  let db: DatabaseHandle;

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.asRoot(async (client) => {
      await client.add(addedPersonDn('kim'), {
        objectClass: ['inetOrgPerson', 'extensibleObject'],
        uid: 'kim',
        cn: 'Kim Contact',
        sn: 'Contact',
        mail: 'kim@example.org',
        janetMailbox: ['Kim.Private@Mail.Example.COM', 'not an address'],
        pager: '+49 170 1234567',
      });
    });
    const directory = ldapDirectory(slapd, { contactAttributes: { emails: ['janetMailbox'], phones: ['pager'] } });
    ws = cliWorkspace({ tenants: [{ id: 'demo', name: 'Demo Company', directories: [directory] }] as never, policy: { default: { trustImportedContacts: true } } });
    db = openDatabase(`sqlite:${join(ws.dir, 'data', 'unlatch.db')}`);
  });
  afterAll(async () => {
    await db?.close();
    ws?.remove();
    await slapd?.stop();
  });

  const methods = async () => (await db.db.selectFrom('methods').select(['kind', 'data', 'confirmed']).orderBy('kind').execute()).map((m) => ({ kind: m.kind, data: JSON.parse(m.data) as unknown, confirmed: Number(m.confirmed) === 1 }));

  it('sync imports the mapped attributes (trusted here: confirmed), then changes nothing', async () => {
    const dry = await ws.run(['methods', 'sync', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^dry run, nothing written: would add 1 address and 1 phone number for 1 person \(2 confirmed at once, 0 waiting for the person to confirm\) \(tenant demo: \d+ people read, 1 with contact data\)\n$/);
    expect(await db.db.selectFrom('methods').selectAll().execute()).toEqual([]);

    const run = await ws.run(['methods', 'sync']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^added 1 address and 1 phone number for 1 person \(2 confirmed at once, 0 waiting for the person to confirm\)/);
    expect(await methods()).toEqual([
      { kind: 'email_code', data: { email: 'Kim.Private@mail.example.com', source: 'directory' }, confirmed: true },
      { kind: 'sms_code', data: { phone: '+491701234567', source: 'directory' }, confirmed: true },
    ]);
    const audit = await db.db.selectFrom('audit_log').select(['event', 'actor', 'details']).where('event', '=', 'method.imported').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ source: 'directory', confirmed: true });

    const again = await ws.run(['methods', 'sync']);
    expect(again.stdout).toMatch(/^nothing to import \(tenant demo: \d+ people read, 1 with contact data\)\n$/);
    expect(await methods()).toHaveLength(2);
  });

  it('import finds the people of the file in LDAP and reports those it cannot find', async () => {
    const file = join(ws.dir, 'hr.csv');
    writeFileSync(file, 'username,mobile\nkim,+49 170 1234567\nnobody-here,+491709999999\n');
    const bad = await ws.run(['methods', 'import', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('line 3: no person "nobody-here" in tenant demo\nnothing imported: 1 of 2 rows has problems\n');
    writeFileSync(file, 'email,mobile\nkim@example.org,+49 170 1234567;+49 170 7654321\n');
    const good = await ws.run(['methods', 'import', file]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toBe('imported: added 0 addresses and 1 phone number for 1 person (1 confirmed at once, 0 waiting for the person to confirm) in tenant demo\n');
    expect((await methods()).filter((m) => m.kind === 'sms_code')).toHaveLength(2);
  });
});
