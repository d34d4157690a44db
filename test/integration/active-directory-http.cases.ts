import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentedCommand, runDocumented } from '../helpers/doc-commands.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { AD_PEOPLE, DOMAIN_POLICY, IVAN_PSO, REALM, TLS_SERVER_NAME, type AdPersonName, type SambaAd } from '../helpers/samba-ad.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ActiveDirectoryDirectory } from '../../src/adapters/directory/active-directory.js';
import { changePassword, expectProblem, flowAtPasswordStep, plainReasons, postJson, setPassword, verify } from '../http/api-client.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';

/**
 * Active Directory people reset, change and unlock through Unlatch's JSON API and portal, and
 * `unlatch directory check` reports on the domain. Registered inside test/integration/active-directory.test.ts,
 * against the Samba AD DC started there (only one can run: it takes the standard ports). Every outcome is
 * checked with ldapsearch binds, a client that shares no code with the adapter.
 *
 * Passwords here pass Unlatch's rules (long, uncommon, no name in them) and AD's (complexity: three kinds of
 * characters), so a refusal comes from the rule the test is about.
 */
export function activeDirectoryHttpCases(getAd: () => SambaAd): void {
  let ad: SambaAd;
  let t: TestApp;
  const workspaces: CliWorkspace[] = [];

  /** The tenant's one directory: the DC over ldaps, its CA trusted, the name its certificate carries. */
  const adDirectory = () => ({
    type: 'active_directory' as const,
    url: ad.url,
    tlsCa: ad.caPem,
    tlsServerName: ad.tlsServerName,
    bindDn: ad.service.dn,
    bindPassword: ad.service.password,
    baseDn: ad.baseDn,
  });

  beforeAll(async () => {
    ad = getAd();
    t = await startTestApp({ overrides: { tenants: [{ id: 'demo', name: 'Demo Company', directories: [adDirectory()] }], defaultTenant: 'demo' } });
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.remove();
    await t?.close();
  });

  const person = (name: AdPersonName) => AD_PEOPLE[name];
  const binds = (name: AdPersonName, password: string) => ad.bindWorks(ad.dnOf(name), password);

  it('API: a reset writes unicodePwd; the new password binds, the old one does not, and Unlatch proved it by signing in', async () => {
    const password = 'Marble kestrel outpost tundra 47!';
    const flowId = await flowAtPasswordStep(t, person('petra'));
    // A long passphrase of lower-case letters only: AD's complexity refuses it, and the person is told that rule.
    const simple = expectProblem(await setPassword(t, flowId, 'marblekestreloutposttundrawillow'), 422, 'password_rejected');
    const complexity = "Your organisation's directory requires characters of three kinds — upper case, lower case, digits, symbols — however long the password is, and no part of your account name or full name.";
    expect(plainReasons(simple)).toEqual([{ code: 'directory_policy', message: complexity, params: { directory: 'active_directory', rule: 'complexity', detail: complexity } }]);
    const set = await setPassword(t, flowId, password);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ next: 'done', signInVerified: true });
    expect(await binds('petra', password)).toBe(true);
    expect(await binds('petra', person('petra').password)).toBe(false);
  });

  it("API: a person's own change; a wrong current password changes nothing, and AD's history refusal is a plain sentence", async () => {
    const [first, second] = ['Walnut harbour sextant 58!', 'Cobalt ferry lichen paddock 36?'];
    expectProblem(await changePassword(t, 'quentin', 'Not-His-Password-1', first), 401, 'invalid_credentials');
    expect(await binds('quentin', person('quentin').password)).toBe(true);

    const changed = await changePassword(t, 'quentin', person('quentin').password, first);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await binds('quentin', first)).toBe(true);
    expect(await binds('quentin', person('quentin').password)).toBe(false);

    expect((await changePassword(t, 'quentin', first, second)).statusCode).toBe(200);
    // The domain remembers the last two passwords (pwdHistoryLength): the previous one is among them.
    expect(DOMAIN_POLICY.historyLength).toBeGreaterThanOrEqual(2);
    const back = await changePassword(t, 'quentin', second, first);
    const history = `Your organisation's directory remembers your last ${DOMAIN_POLICY.historyLength} passwords; choose one you have not used before.`;
    expect(plainReasons(expectProblem(back, 422, 'password_rejected'))).toEqual([
      { code: 'in_history', message: history, params: { directory: 'active_directory', historyLength: DOMAIN_POLICY.historyLength, detail: history } },
    ]);
    expect(await binds('quentin', second)).toBe(true);
  });

  it("API: the minimum age of a person's PSO refuses a change as too young, in plain words", async () => {
    const again = await changePassword(t, 'ivan', person('ivan').password, 'Tapestry ember quiver dolomite 64!');
    const tooYoung = "Your organisation's directory allows one change every 24 hours; try again later, or ask your help desk to reset it.";
    expect(plainReasons(expectProblem(again, 422, 'password_rejected'))).toEqual([
      { code: 'too_young', message: tooYoung, params: { directory: 'active_directory', minAgeSeconds: IVAN_PSO.minAgeSeconds, detail: tooYoung } },
    ]);
    expect(await binds('ivan', person('ivan').password)).toBe(true);
  });

  it('API: locked out by wrong passwords, unlocked after the emailed code; the unchanged password works again', async () => {
    for (let i = 0; i < DOMAIN_POLICY.lockoutThreshold; i++) await ad.tryBind(ad.dnOf('rita'), `Wrong-${i}-password!`);
    // Locked: AD refuses even the right password (data 775).
    expect(await ad.tryBind(ad.dnOf('rita'), person('rita').password)).toMatch(/data 775/);

    const started = await postJson(t, '/api/v1/unlock', { identifier: 'rita' });
    expect(started.statusCode, started.body).toBe(202);
    const { flowId } = started.json<{ flowId: string }>();
    expect((await verify(t, flowId, await t.codeFor(person('rita').email))).json()).toMatchObject({ next: 'unlock' });
    const unlocked = await postJson(t, `/api/v1/reset/${flowId}/unlock`, {});
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json()).toEqual({ next: 'done', wasLocked: true });
    expect((await ad.read(ad.dnOf('rita'), ['lockoutTime'])).lockoutTime).toEqual(['0']);
    expect(await binds('rita', person('rita').password)).toBe(true);
  });

  it('portal: a reset through the forms, code then new password; AD takes it', async () => {
    const password = 'Gossamer trellis opal windmill 85!';
    const v = new PortalVisitor(t);
    const started = await v.fill('/reset', { identifier: 'sven' });
    expect(started.headers.location).toBe('/reset/code');
    await v.follow(started);
    const proven = await v.post('/reset/code', { code: await t.codeFor(person('sven').email) });
    expect(proven.headers.location).toBe('/reset/password');
    // The domain's rules up front, complexity among them (pwdProperties has it on), before any refusal.
    const page = visibleText((await v.follow(proven)).body);
    expect(page).toContain("Your organisation's directory also requires:");
    expect(page).toContain(`at least ${DOMAIN_POLICY.minLength} characters`);
    expect(page).toContain('characters of three kinds: upper case, lower case, digits, symbols — and not your account name');
    // A refusal by complexity names that rule, not "try a longer one".
    const simple = 'gossamertrellisopalwindmillheron';
    const refused = await v.post('/reset/password', { password: simple, confirm: simple });
    // The reasons come on the password page again (post/redirect/get), the flow still at this step.
    expect(refused.headers.location).toBe('/reset/password');
    const reasons = visibleText((await v.follow(refused)).body);
    expect(reasons).toContain('requires characters of three kinds — upper case, lower case, digits, symbols — however long the password is');
    expect(reasons).not.toContain('try a longer or less predictable one');
    const done = await v.post('/reset/password', { password, confirm: password });
    // Not /reset/done?signin=pending: signing in with the new password worked.
    expect(done.headers.location, done.body).toBe('/reset/done');
    expect(visibleText((await v.follow(done)).body)).toContain('Your password has been reset');
    expect(await binds('sven', password)).toBe(true);
    expect(await binds('sven', person('sven').password)).toBe(false);
  });

  it("portal: /change lists the domain's rules up front (complexity included), before anyone is known", async () => {
    const page = await new PortalVisitor(t).get('/change');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain("Your organisation's directory also requires:");
    expect(text).toContain(`at least ${DOMAIN_POLICY.minLength} characters`);
    expect(text).toContain('characters of three kinds: upper case, lower case, digits, symbols — and not your account name');
    expect(text).toContain(`none of your last ${DOMAIN_POLICY.historyLength} passwords`);
    // The domain has no minimum age: no line for it.
    expect(text).not.toContain('between two changes');
    // After a refusal the page comes back (post/redirect/get) with the rules still there.
    const v = new PortalVisitor(t);
    await v.get('/change');
    const refused = await v.post('/change', { identifier: 'oscar', currentPassword: 'Not-His-Password-1', newPassword: 'x', confirmPassword: 'y' });
    expect(refused.headers.location).toBe('/change');
    expect(visibleText((await v.follow(refused)).body)).toContain(`at least ${DOMAIN_POLICY.minLength} characters`);
  });

  it("the adapter tells the domain's rules for its tenant only, read from the domain root", async () => {
    const directory = new ActiveDirectoryDirectory({ tenantId: 'demo', ...adDirectory() });
    expect(await directory.tenantPasswordRules('demo')).toEqual({
      minLength: DOMAIN_POLICY.minLength, historyLength: DOMAIN_POLICY.historyLength, complexity: DOMAIN_POLICY.complexity, minAgeSeconds: DOMAIN_POLICY.minAgeSeconds,
    });
    expect(await directory.tenantPasswordRules('other')).toBeNull();
    // Unreachable: no rules, no error (the page shows its own rules only).
    const down = new ActiveDirectoryDirectory({ tenantId: 'demo', ...adDirectory(), url: 'ldaps://127.0.0.1:1', connectTimeoutMs: 1000 });
    expect(await down.tenantPasswordRules('demo')).toBeNull();
  });

  it('unlatch directory check: bind ✓, search ✓ and the delegated rights it can see; exit code 0', async () => {
    const ws = cliWorkspace({ tenants: [{ id: 'acme', name: 'Acme', directories: [{ ...adDirectory(), bindPassword: undefined, bindPasswordEnv: 'AD_SERVICE_PASSWORD' }] }] });
    workspaces.push(ws);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'petra'], { env: { AD_SERVICE_PASSWORD: ad.service.password } });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'tenant acme: 1 directory, asked in this order',
        `ad-1 (active_directory, ${ad.url})`,
        `  ✓ bind as ${ad.service.dn}: ${ad.url} (TLS)`,
        `  ✓ search under ${ad.baseDn}: people found`,
        `  ✓ find petra: ${ad.dnOf('petra')}`,
        '  ✓ username (sAMAccountName): readable: petra',
        `  ✓ email (mail): readable: ${person('petra').email}`,
        '  ✓ lock state (msDS-User-Account-Control-Computed, lockoutTime): readable: not locked',
        // Reset Password is a control access right, which allowedAttributesEffective does not list: "?", not ✗.
        expect.stringMatching(/^ {2}\? reset password \(unicodePwd\): cannot be checked without changing a password/),
        '  ✓ unlock (write lockoutTime): allowed (allowedAttributesEffective)',
        '  ✓ must change at next logon (write pwdLastSet): allowed',
      ]),
    );
    expect(result.stdout).not.toContain('✗');
    expect(result.stdout).not.toContain(ad.service.password);
    expect(result.code).toBe(0);
  });

  it("docs: the AD password check works on Samba (a bind and a root DSE read); ldapwhoami, which AD lacks, does not", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unlatch-doc-cmd-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), ad.caPem);
      // The test DC's certificate names dc1.example.test, which does not resolve here: libldap may not match it
      // against 127.0.0.1. What is under test is the command (bind, then a root DSE read), not TLS.
      const oscar = { url: ad.url, bindDn: `${person('oscar').username}@${REALM.toLowerCase()}`, caFile: join(dir, 'ca.pem'), env: { LDAPTLS_REQCERT: 'allow' } };
      const command = documentedCommand('ldapsearch');
      const right = await runDocumented(command, { ...oscar, password: person('oscar').password });
      expect(right.code, right.stderr).toBe(0);
      expect(right.stdout).toMatch(new RegExp(`^dnsHostName: ${TLS_SERVER_NAME}$`, 'im'));
      const wrong = await runDocumented(command, { ...oscar, password: 'Not-His-Password-1' });
      expect(wrong.code).toBe(49);
      expect(wrong.stderr).toMatch(/Invalid credentials \(49\)[\s\S]*data 52e/);
      // What the docs warn about: the same bind through ldapwhoami fails on AD even with the right password.
      const whoami = await runDocumented({ env: command.env, argv: ['ldapwhoami', '-x', '-H', 'URL', '-D', 'DN', '-W'] }, { ...oscar, password: person('oscar').password });
      expect(whoami.code).not.toBe(0);
      expect(whoami.stderr).not.toContain('Invalid credentials');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unlatch directory check: where the rights were not delegated (outside OU=People), unlock is ✗ and the exit code 1', async () => {
    const ws = cliWorkspace({ tenants: [{ id: 'acme', name: 'Acme', directories: [{ ...adDirectory(), baseDn: ad.domainDn }] }] });
    workspaces.push(ws);
    const result = await ws.run(['directory', 'check', '--tenant', 'acme', '--user', 'oscar']);
    expect(result.stdout).toContain(`  ✓ find oscar: ${ad.dnOf('oscar')}`);
    expect(result.stdout).toContain('  ✗ unlock (write lockoutTime): not allowed: delegate "Write lockoutTime" on the people\'s OU');
    expect(result.code).toBe(1);
  });
}
