import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { freePort, shouldRun } from '../helpers/services.js';
import { Attribute, Change } from 'ldapts';
import { BASE_DN, GROUPS_DN, POLICY_DN, opensslAvailable, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';

/** `unlatch directory check` against real slapd servers: what it reports, and that it changes nothing. */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable() && opensslAvailable()))('unlatch directory check', () => {
  let slapd: Slapd;
  let tls: Slapd;
  const workspaces: CliWorkspace[] = [];

  /** A workspace whose tenant `acme` has these directories. */
  const workspace = (directories: unknown[]) => {
    const ws = cliWorkspace({ tenants: [{ id: 'acme', name: 'Acme', directories }] as never });
    workspaces.push(ws);
    return ws;
  };
  const ldap = (extra: Record<string, unknown> = {}) => ({
    type: 'ldap',
    url: slapd.url,
    insecure: true,
    bindDn: slapd.service.dn,
    bindPassword: slapd.service.password,
    baseDn: BASE_DN,
    passwordPolicyDn: POLICY_DN,
    ...extra,
  });
  const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

  beforeAll(async () => {
    [slapd, tls] = await Promise.all([startSlapd(), startSlapd({ tls: true })]);
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.remove();
    await Promise.all([slapd?.stop(), tls?.stop()]);
  });

  it('a working service account: every check passes, and nothing in the directory changed', async () => {
    const alice = slapd.dnOf('alice');
    const before = await slapd.read(alice, ['modifyTimestamp', 'entryCSN', 'pwdChangedTime', 'pwdAccountLockedTime', 'pwdReset']);
    // The service password from an environment variable, as a deployment would keep it.
    const ws = workspace([ldap({ bindPassword: undefined, bindPasswordEnv: 'LDAP_SERVICE_PASSWORD' })]);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'alice'], { env: { LDAP_SERVICE_PASSWORD: slapd.service.password } });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'tenant acme: 1 directory, asked in this order',
        `ldap-1 (ldap, ${slapd.url})`,
        `  ✓ bind as ${slapd.service.dn}: ${slapd.url} (no TLS: passwords in clear text)`,
        `  ✓ search under ${BASE_DN}: people found with userFilter`,
        `  ✓ find alice: ${alice}`,
        '  ✓ username (uid): readable: alice',
        `  ✓ email (mail): readable: ${DIRECTORY_PEOPLE.alice.email}`,
        `  ✓ phone (mobile, telephoneNumber): readable: ${DIRECTORY_PEOPLE.alice.phone}`,
        '  ✓ display name (displayName, cn): readable: Alice Example',
        '  ✓ groups (memberOf): readable: admins, staff',
        '  ✓ lock state (pwdAccountLockedTime): readable: not locked',
        '  ✓ reset password (write userPassword): allowed (checked without changing anything)',
        '  ✓ unlock (write pwdAccountLockedTime): allowed (checked without changing anything)',
        '  ✓ one-time passwords (write pwdReset): allowed (checked without changing anything)',
        `  ✓ password policy (${POLICY_DN}): readable: pwdMinLength 8`,
        'all checks passed',
      ]),
    );
    expect(result.stdout).not.toMatch(/[✗?]/);
    expect(result.stdout).not.toContain(slapd.service.password);
    // The probes asked for writes slapd had to refuse: the entry is as it was, the password still works.
    expect(await slapd.read(alice, ['modifyTimestamp', 'entryCSN', 'pwdChangedTime', 'pwdAccountLockedTime', 'pwdReset'])).toEqual(before);
    expect(await slapd.whoami(alice, DIRECTORY_PEOPLE.alice.password)).toBe(true);
  });

  it('without --user: checks the bind and a search, and says what it left out', async () => {
    const ws = workspace([{ type: 'builtin' }, ldap()]);
    // The built-in directory's tables exist once anything has migrated the database.
    expect((await ws.run(['users', 'add', '--username', 'zed', '--tenant', 'acme'])).code).toBe(0);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('tenant acme: 2 directories, asked in this order');
    expect(result.stdout).toContain("builtin (built-in, Unlatch's own database)\n");
    expect(result.stdout).toContain('  ✓ people: 1 in tenant acme');
    expect(result.stdout).toContain(`  ✓ bind as ${slapd.service.dn}`);
    expect(result.stdout).toContain('  – attributes, reset password, unlock: name a test account with --user to check them');
    expect(result.stdout).toMatch(/all checks passed\n$/);
  });

  it('a wrong service password: a plain "cannot bind" and exit code 1', async () => {
    const ws = workspace([ldap({ bindPassword: 'not-the-service-password' })]);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'alice']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`  ✗ bind as ${slapd.service.dn}: cannot bind: wrong service password (or bindDn): the server refused the bind\n`);
    expect(result.stdout).toContain('  – everything else: needs a working bind');
    expect(result.stdout).toMatch(/something is missing: see ✗ above\n$/);
    expect(result.stdout).not.toContain('not-the-service-password');
    noStackTrace(result.stdout);
  });

  it('an unreachable server: a plain message and exit code 1', async () => {
    const port = await freePort();
    const ws = workspace([ldap({ url: `ldap://127.0.0.1:${port}` })]);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`cannot bind: server unreachable: nothing accepts connections at 127.0.0.1:${port}\n`);
    noStackTrace(result.stdout + result.stderr);
  });

  it('a certificate that is not trusted is named as such; trusting its CA from tlsCaFile fixes it', async () => {
    const untrusted = await workspace([ldap({ url: tls.ldapsUrl, insecure: false })]).run(['directory', 'check', '--tenant', 'acme']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toContain("cannot bind: TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT): set tlsCa or tlsCaFile to the CA that signed the server's certificate");

    const ws = workspace([ldap({ url: tls.ldapsUrl, insecure: false, bindPassword: tls.service.password, tlsCaFile: 'ldap-ca.pem' })]);
    writeFileSync(join(ws.dir, 'ldap-ca.pem'), tls.caPem!);
    const trusted = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'bob']);
    expect(trusted.stdout).toContain(`  ✓ bind as ${tls.service.dn}: ${tls.ldapsUrl} (TLS)`);
    expect(trusted.code).toBe(0);
  });

  it('a certificate that does not name the host says to set tlsServerName; setting it to a name the certificate carries fixes it', async () => {
    const trusting = { url: tls.ldapsUrl, insecure: false, bindPassword: tls.service.password, tlsCa: tls.caPem };
    // The certificate names 127.0.0.1 and localhost only.
    const wrong = await workspace([ldap({ ...trusting, tlsServerName: 'ldap.example.org' })]).run(['directory', 'check', '--tenant', 'acme']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      'cannot bind: TLS certificate not trusted: it is not issued for ldap.example.org (tlsServerName); set tlsServerName to a name the certificate carries, or use that name in url\n',
    );
    const right = await workspace([ldap({ ...trusting, tlsServerName: 'localhost' })]).run(['directory', 'check', '--tenant', 'acme']);
    expect(right.stdout).toContain(`  ✓ bind as ${tls.service.dn}: ${tls.ldapsUrl} (TLS)`);
    expect(right.code).toBe(0);
  });

  it("--tenant checks that tenant only: another tenant's unset secret variable does not stop it", async () => {
    const ws = cliWorkspace({
      tenants: [
        { id: 'acme', name: 'Acme', directories: [ldap()] },
        { id: 'corp', name: 'Corp', directories: [ldap({ bindPassword: undefined, bindPasswordEnv: 'CORP_LDAP_PASSWORD' })] },
      ],
    } as never);
    workspaces.push(ws);
    const acme = await ws.run(['directory', 'check', '--tenant', 'acme']);
    expect(acme).toMatchObject({ code: 0, stderr: '' });
    expect(acme.stdout).toContain('tenant acme: 1 directory, asked in this order');
    // Without --tenant the default tenant (the first) is the one checked.
    expect(await ws.run(['directory', 'check'])).toMatchObject({ code: 0, stderr: '' });
    // The tenant whose variable is missing still says so, naming the key.
    const corp = await ws.run(['directory', 'check', '--tenant', 'corp']);
    expect(corp).toMatchObject({ code: 2, stderr: 'unlatch directory check: config: tenants.1.directories.0.bindPasswordEnv: the environment variable CORP_LDAP_PASSWORD is not set\n' });
    expect((await ws.run(['directory', 'check', '--tenant', 'corp'], { env: { CORP_LDAP_PASSWORD: slapd.service.password } })).code).toBe(0);
    // Serving needs every tenant: the server still refuses to start without it.
    expect((await ws.run(['config', 'validate'])).stderr).toContain('CORP_LDAP_PASSWORD is not set');
  });

  it("an excluded group loaded with slapadd (no member carries it in memberOf) is ✗; re-adding its members through slapd fixes it", async () => {
    const legacy = `cn=legacy-admins,${GROUPS_DN}`;
    const migrated = await startSlapd({ slapaddLdif: `dn: ${legacy}\nobjectClass: groupOfNames\ncn: legacy-admins\nmember: ${slapd.dnOf('alice')}\nmember: ${slapd.dnOf('bob')}` });
    try {
      const ws = cliWorkspace({
        tenants: [{ id: 'acme', name: 'Acme', directories: [ldap({ url: migrated.url, bindPassword: migrated.service.password })] }],
        policy: { default: { excludedGroups: ['admins', 'legacy-admins', 'no-such-group'] } },
      } as never);
      workspaces.push(ws);
      // Unlatch reads groups from memberOf: alice is in admins (added through slapd), legacy-admins is invisible.
      expect((await migrated.read(migrated.dnOf('alice'), ['memberOf'])).memberOf?.some((dn) => dn.startsWith('cn=legacy-admins'))).toBeFalsy();
      const before = await ws.run(['directory', 'check', '--tenant', 'acme']);
      expect(before.code).toBe(1);
      expect(before.stdout).toContain(`  ✓ excluded group admins (memberOf): every member carries cn=admins,${GROUPS_DN}\n`);
      expect(before.stdout).toContain(
        `  ✗ excluded group legacy-admins (memberOf): ${legacy} lists 2 member(s), but none carries it in memberOf: Unlatch does not see them in the group, so the exclusion misses them.`,
      );
      expect(before.stdout).toContain('never for slapadd');
      // A group that does not exist excludes nobody, and says nothing.
      expect(before.stdout).not.toContain('no-such-group');

      // The fix the message names: the members again, through slapd, so the overlay writes memberOf.
      await migrated.asRoot(async (client) => {
        const members = [migrated.dnOf('alice'), migrated.dnOf('bob')];
        // One modify: the group is never without members (groupOfNames requires one).
        await client.modify(legacy, [
          new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: members }) }),
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: members }) }),
        ]);
      });
      const after = await ws.run(['directory', 'check', '--tenant', 'acme']);
      expect(after.stdout).toContain(`  ✓ excluded group legacy-admins (memberOf): every member carries ${legacy}\n`);
      expect(after.code).toBe(0);
    } finally {
      await migrated.stop();
    }
  });

  it('an account without the rights Unlatch needs: each missing right named, exit code 1', async () => {
    // Bob may read his own entry and write his own password (self), but not the lock attribute.
    const ws = workspace([ldap({ bindDn: slapd.dnOf('bob'), bindPassword: DIRECTORY_PEOPLE.bob.password, baseDn: slapd.dnOf('bob'), passwordPolicyDn: undefined })]);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'bob']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  ✓ email (mail): readable: bob@example.org');
    expect(result.stdout).toContain('  ✓ reset password (write userPassword): allowed (checked without changing anything)');
    expect(result.stdout).toContain('  ✗ lock state (pwdAccountLockedTime): not readable: a locked or disabled account would look unlocked');
    expect(result.stdout).toContain('  ✗ unlock (write pwdAccountLockedTime): not allowed: give the service account write access to pwdAccountLockedTime');
    // Optional (the helpdesk's one-time passwords): named, not counted as missing.
    expect(result.stdout).toContain("  – one-time passwords (write pwdReset): not allowed; needed only for the helpdesk's one-time passwords (give the service account write access to pwdReset)");

    // And an account that cannot see the people at all stops at the search.
    const blind = await workspace([ldap({ bindDn: slapd.dnOf('bob'), bindPassword: DIRECTORY_PEOPLE.bob.password })]).run(['directory', 'check', '--tenant', 'acme', '--user', 'alice']);
    expect(blind.code).toBe(1);
    expect(blind.stdout).toContain(`  ✗ search under ${BASE_DN}: baseDn does not exist, or the service account may not see it`);
  });

  it('an unknown test user, or one identifier matching two entries, is missing', async () => {
    const ws = workspace([ldap()]);
    const nobody = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'nobody@example.org']);
    expect(nobody.code).toBe(1);
    expect(nobody.stdout).toContain('  ✗ find nobody@example.org: no entry matches under baseDn');
    const twins = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'twins@example.org']);
    expect(twins.stdout).toContain('  ✗ find twins@example.org: several entries match; Unlatch treats that as no match');
  });

  it('usage and configuration problems exit with code 2 and one line', async () => {
    const ws = workspace([ldap()]);
    expect(await ws.run(['directory', 'check', '--tenant', 'globex'])).toMatchObject({ code: 2, stdout: '' });
    expect((await ws.run(['directory', 'check', '--tenant', 'globex'])).stderr).toMatch(/^unlatch directory check: unknown tenant "globex" \(configured: acme\) \(see unlatch directory check --help\)\n$/);
    expect(await ws.run(['directory', 'check', '--user', ' '])).toMatchObject({ code: 2 });
    const plain = await workspace([ldap({ insecure: undefined })]).run(['directory', 'check']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^unlatch directory check: config: tenants\.0\.directories\.0\.url: ldap:\/\/ without startTls sends passwords in the clear/);
    const missingSecret = await workspace([ldap({ bindPassword: undefined, bindPasswordEnv: 'UNSET_VARIABLE' })]).run(['directory', 'check']);
    expect(missingSecret).toMatchObject({ code: 2, stderr: 'unlatch directory check: config: tenants.0.directories.0.bindPasswordEnv: the environment variable UNSET_VARIABLE is not set\n' });
    const help = await ws.run(['directory', 'check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: unlatch directory check [--tenant T] [--user NAME]');
  });
});
