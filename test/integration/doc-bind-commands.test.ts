import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { documentedBindCommands, documentedCommand, runDocumented } from '../helpers/doc-commands.js';
import { shouldRun } from '../helpers/services.js';
import { opensslAvailable, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';

/**
 * The OpenLDAP password check of docs/directories.md, run as written against a real slapd over ldaps. The AD
 * one runs against Samba in test/integration/active-directory-http.cases.ts (Samba takes fixed ports).
 */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable() && opensslAvailable()))("docs: checking a person's password by hand", () => {
  let slapd: Slapd;
  let dir: string;

  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    dir = mkdtempSync(join(tmpdir(), 'unlatch-doc-cmd-'));
    writeFileSync(join(dir, 'ca.pem'), slapd.caPem!);
  });
  afterAll(async () => {
    await slapd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows one command per directory kind: ldapwhoami for OpenLDAP, ldapsearch for AD', () => {
    expect(documentedBindCommands().map((c) => c.argv[0])).toEqual(['ldapwhoami', 'ldapsearch']);
  });

  it('the OpenLDAP command prints the DN for the right password and "Invalid credentials" (49) for a wrong one', async () => {
    const command = documentedCommand('ldapwhoami');
    const alice = { url: slapd.ldapsUrl!, bindDn: slapd.dnOf('alice'), caFile: join(dir, 'ca.pem') };
    const right = await runDocumented(command, { ...alice, password: DIRECTORY_PEOPLE.alice.password });
    expect(right, right.stderr).toMatchObject({ code: 0, stdout: `dn:${slapd.dnOf('alice')}\n` });
    const wrong = await runDocumented(command, { ...alice, password: 'not-her-password' });
    expect(wrong.code).toBe(49);
    expect(wrong.stderr).toContain('Invalid credentials (49)');
  });
});
