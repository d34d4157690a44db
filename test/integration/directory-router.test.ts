import { Writable } from 'node:stream';
import { Attribute, Change } from 'ldapts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirectoryRouter, type AmbiguousMatch, type RoutedDirectory } from '../../src/adapters/directory/directory-router.js';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { directoryRouterEvents } from '../../src/adapters/directory/router-events.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { UnlatchMetrics } from '../../src/adapters/observability/metrics.js';
import type { SqlStore } from '../../src/adapters/store/sql-store.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { UnlatchError } from '../../src/core/errors.js';
import { normalizeIdentifier } from '../../src/core/identity/normalize.js';
import type { Directory, DirectoryAccount, PreparedPasswordWrite } from '../../src/core/ports/directory.js';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { DIRECTORY_PEOPLE, type PersonName } from '../helpers/directory-people.js';
import { freePort, shouldRun } from '../helpers/services.js';
import { BASE_DN, GROUPS_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';

const TENANT = 'demo';

/** People of the built-in directory: some only there, some with the same username as in LDAP. */
const BUILTIN_PEOPLE = [
  { username: 'zoe', email: 'zoe@example.org', password: 'zoe-Builtin-2024' },
  // Same usernames as LDAP people: copies when ldap-1 writes to the built-in directory, else other people.
  { username: 'bob', email: 'bob@example.org', password: 'bob-Builtin-2024' },
  { username: 'frank', email: 'frank@example.org', password: 'frank-Builtin-2024' },
  { username: 'grace', email: 'grace@example.org', password: 'grace-Builtin-2024' },
  // Someone else with Alice's address: an identifier two directories match for two different people.
  { username: 'alias', email: DIRECTORY_PEOPLE.alice.email, password: 'alias-Builtin-2024' },
];

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('DirectoryRouter on a real slapd and the built-in directory', () => {
  const clock = new TestClock();
  let slapd: Slapd;
  let store: SqlStore;
  let closeStore: () => Promise<void>;
  let sql: SqlDirectory;
  let hasher: Argon2Hasher;
  let ldap: LdapDirectory;
  let down: LdapDirectory;
  let metrics: UnlatchMetrics;
  let audit: SqlAuditReaderForTests;
  const ambiguous: AmbiguousMatch[] = [];
  const logLines: { level: number; msg: string; directory?: string; reason?: string }[] = [];

  /** A router over these adapters; directories are [name, adapter, alsoWriteTo]. */
  const routerOf = (...list: [string, Directory, string[]?][]) => {
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          logLines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const events = directoryRouterEvents({ store, logger, countFailure: (f) => metrics.directoryError(f.tenantId, f.directory, f.reason) });
    const routed: RoutedDirectory[] = list.map(([name, directory, alsoWriteTo]) => ({
      name,
      directory,
      builtin: directory === sql,
      alsoWriteTo: alsoWriteTo ?? [],
      cacheSeconds: directory === sql ? 0 : 60,
    }));
    return new DirectoryRouter({
      tenants: new Map([[TENANT, routed]]),
      defaultTenantId: TENANT,
      clock,
      events: { ...events, onAmbiguous: (m) => (ambiguous.push(m), events.onAmbiguous!(m)) },
    });
  };
  const find = async (router: Directory, identifier: string): Promise<DirectoryAccount> => {
    const account = await router.findByIdentifier(TENANT, normalizeIdentifier(identifier));
    if (!account) throw new Error(`${identifier} not found`);
    return account;
  };
  const commit = (write: PreparedPasswordWrite) => store.transaction((tx) => write.commit(tx));
  const auditOf = async (event: string) => (await audit.all()).filter((e) => e.event === event).map((e) => ({ ...e, details: JSON.parse(e.details) as Record<string, unknown> }));
  const errorsMetric = async () => (await metrics.registry.getSingleMetricAsString('unlatch_directory_errors_total'));
  const dn = (name: PersonName) => slapd.dnOf(name);

  beforeAll(async () => {
    slapd = await startSlapd();
    const opened = await openTempSqliteStore(clock);
    store = opened.store;
    closeStore = opened.close;
    audit = new SqlAuditReaderForTests(opened.handle.db);
    hasher = new Argon2Hasher();
    const users = new SqlUserRepository(opened.handle.db);
    for (const person of BUILTIN_PEOPLE) {
      await users.insert({ tenantId: TENANT, username: person.username, email: person.email, displayName: person.username, groups: [], passwordHash: await hasher.hash(person.password) }, clock.now());
    }
    sql = new SqlDirectory(opened.handle.db, hasher, clock);
    const common = { tenantId: TENANT, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN };
    ldap = new LdapDirectory({ ...common, url: slapd.url, passwordPolicyDn: POLICY_DN });
    // Nothing listens there: every connection is refused at once.
    down = new LdapDirectory({ ...common, url: `ldap://127.0.0.1:${await freePort()}`, connectTimeoutMs: 2000 });
    metrics = new UnlatchMetrics({ defaultMetrics: false });
  });
  afterAll(async () => {
    await closeStore?.();
    await slapd?.stop();
  });

  it('finds a person who is in one directory only; the id names the directory, except the built-in one', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    const alice = await find(router, 'alice');
    expect(alice.id).toMatch(/^ldap-1:[0-9a-f-]{36}$/);
    expect(alice).toMatchObject({ username: 'alice', groups: ['admins', 'staff'] });
    expect(await router.findById(TENANT, alice.id)).toEqual(alice);
    expect(await router.verifyPassword(alice, DIRECTORY_PEOPLE.alice.password)).toBe(true);
    expect(await router.verifyPassword(alice, BUILTIN_PEOPLE[0]!.password)).toBe(false);

    const zoe = await find(router, 'zoe@example.org');
    const row = await sql.findByIdentifier(TENANT, 'zoe');
    expect(zoe.id).toBe(row!.id);
    expect(await router.verifyPassword(zoe, 'zoe-Builtin-2024')).toBe(true);
    // The post-reset sign-in check is the owning directory's call: LDAP proves writes by a bind, SQL does not.
    expect(router.checksWritesBySignIn(alice)).toBe(true);
    expect(router.checksWritesBySignIn(zoe)).toBe(false);
    // An id from another tenant, or a directory the tenant does not have, finds nothing.
    expect(await router.findById('other', alice.id)).toBeNull();
    expect(await router.findById(TENANT, `ldap-9:${alice.id.slice('ldap-1:'.length)}`)).toBeNull();
    expect(await router.findByIdentifier(TENANT, 'nobody@example.org')).toBeNull();
  });

  it('an identifier that matches people in two directories matches none, and that is audited', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    const before = ambiguous.length;
    expect(await router.findByIdentifier(TENANT, normalizeIdentifier(DIRECTORY_PEOPLE.alice.email))).toBeNull();
    // The same username in two directories that do not copy to each other: two people, no match.
    expect(await router.findByIdentifier(TENANT, 'bob')).toBeNull();
    expect(ambiguous.slice(before).map((m) => m.directories)).toEqual([['ldap-1', 'builtin'], ['ldap-1', 'builtin']]);
    // Unknown identifiers and single matches are not ambiguous.
    await router.findByIdentifier(TENANT, 'nobody@example.org');
    await router.findByIdentifier(TENANT, 'alice');
    expect(ambiguous.length).toBe(before + 2);

    await vi.waitFor(async () => expect(await auditOf('directory.ambiguous_match')).toHaveLength(2));
    const [first] = await auditOf('directory.ambiguous_match');
    const aliceId = (await find(router, 'alice')).id;
    const aliasId = (await sql.findByIdentifier(TENANT, 'alias'))!.id;
    expect(first).toMatchObject({ tenantId: TENANT, outcome: 'denied', actor: 'system', subjectId: null });
    expect(first!.details).toEqual({ identifier: 'alice.example@example.org', directories: ['ldap-1', 'builtin'], accountIds: [aliceId, aliasId] });
  });

  it('a copy kept by alsoWriteTo is the same person: the directory that writes the copies answers', async () => {
    const router = routerOf(['ldap-1', ldap, ['builtin']], ['builtin', sql]);
    const bob = await find(router, 'bob');
    expect(bob.id).toMatch(/^ldap-1:/);
    // Copying the other way round, the built-in directory is where bob lives.
    const reversed = routerOf(['ldap-1', ldap], ['builtin', sql, ['ldap-1']]);
    expect((await find(reversed, 'bob')).id).toBe((await sql.findByIdentifier(TENANT, 'bob'))!.id);
    // Different people with one address stay ambiguous, copies or not.
    expect(await router.findByIdentifier(TENANT, normalizeIdentifier(DIRECTORY_PEOPLE.alice.email))).toBeNull();
  });

  it('a reset writes the primary, then copies the password to each alsoWriteTo directory and audits the copy', async () => {
    const router = routerOf(['ldap-1', ldap, ['builtin']], ['builtin', sql]);
    const frank = await find(router, 'frank');
    const password = 'frank-Copied-Password-2025';
    await commit(await router.preparePasswordWrite(frank, password));

    expect(await slapd.whoami(dn('frank'), password)).toBe(true);
    expect(await slapd.whoami(dn('frank'), DIRECTORY_PEOPLE.frank.password)).toBe(false);
    const copy = (await sql.findByIdentifier(TENANT, 'frank'))!;
    expect(await sql.verifyPassword(copy, password)).toBe(true);
    expect(await sql.verifyPassword(copy, 'frank-Builtin-2024')).toBe(false);

    const entries = await auditOf('directory.secondary_write');
    expect(entries.at(-1)).toMatchObject({ tenantId: TENANT, subjectId: frank.id, outcome: 'success', details: { primary: 'ldap-1', directory: 'builtin', accountId: copy.id } });
    expect(JSON.stringify(entries)).not.toContain(password);
  });

  it('a person changing their own password: the primary checks the old one, the copies get the new one', async () => {
    const router = routerOf(['ldap-1', ldap, ['builtin']], ['builtin', sql]);
    const grace = await find(router, 'grace');
    await expect(router.changePassword(grace, 'not-her-password', 'grace-New-Password-2025')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await commit(await router.changePassword(grace, DIRECTORY_PEOPLE.grace.password, 'grace-New-Password-2025'));
    expect(await slapd.whoami(dn('grace'), 'grace-New-Password-2025')).toBe(true);
    expect(await sql.verifyPassword((await sql.findByIdentifier(TENANT, 'grace'))!, 'grace-New-Password-2025')).toBe(true);
    expect((await auditOf('directory.secondary_write')).at(-1)).toMatchObject({ subjectId: grace.id, outcome: 'success' });
  });

  it('a failed copy is reported (audit, warn log, metric) and never undoes the primary write', async () => {
    // Looked up where every directory answers; written where one copy target is down.
    const heidi = await find(routerOf(['ldap-1', ldap]), 'heidi');
    const router = routerOf(['ldap-1', ldap, ['ldap-down', 'builtin']], ['ldap-down', down], ['builtin', sql]);
    const password = 'heidi-Primary-Only-2025';
    await commit(await router.preparePasswordWrite(heidi, password));
    expect(await slapd.whoami(dn('heidi'), password)).toBe(true);

    const reports = (await auditOf('directory.secondary_write')).filter((e) => e.subjectId === heidi.id);
    expect(reports.map((e) => [e.outcome, e.details.directory, e.details.reason])).toEqual([
      ['failure', 'ldap-down', 'directory_unavailable'],
      // Heidi has no account in the built-in directory.
      ['failure', 'builtin', 'not_found'],
    ]);
    const warned = logLines.filter((l) => l.level === 40 && /secondary directory failed/.test(l.msg));
    expect(warned.map((l) => [l.directory, l.reason])).toEqual(expect.arrayContaining([['ldap-down', 'directory_unavailable'], ['builtin', 'not_found']]));
    expect(await errorsMetric()).toMatch(/unlatch_directory_errors_total\{tenant="demo",directory="ldap-down",reason="unavailable"\} [1-9]/);
  });

  it('a directory that is down fails every lookup of its tenant closed, counted; accounts elsewhere still answer by id', async () => {
    const router = routerOf(['ldap-1', ldap], ['ldap-down', down]);
    const before = (await errorsMetric()).match(/directory="ldap-down",reason="unavailable"\} (\d+)/)?.[1] ?? '0';
    const failure = await router.findByIdentifier(TENANT, 'alice').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnlatchError);
    expect(failure).toMatchObject({ code: 'directory_unavailable' });
    const after = (await errorsMetric()).match(/directory="ldap-down",reason="unavailable"\} (\d+)/)?.[1];
    expect(Number(after)).toBe(Number(before) + 1);
    // Only the directory an id names is asked for it.
    const alice = await find(routerOf(['ldap-1', ldap]), 'alice');
    expect((await router.findById(TENANT, alice.id))?.username).toBe('alice');
    await expect(router.findById(TENANT, `ldap-down:${alice.id.slice('ldap-1:'.length)}`)).rejects.toMatchObject({ code: 'directory_unavailable' });
  });

  it('unlock goes to the directory the account lives in, and a cached account is read again afterwards', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    // ppolicy locks after three failed binds.
    for (let i = 0; i < 3; i++) await slapd.whoami(dn('dave'), `wrong-${i}`);
    const dave = await find(router, 'dave');
    expect(dave.locked).toBe(true);
    expect((await router.findById(TENANT, dave.id))?.locked).toBe(true);
    await router.unlock(dave);
    expect((await router.findById(TENANT, dave.id))?.locked).toBe(false);
  });

  it('reuses an LDAP account for groupCacheSeconds, then reads it again', async () => {
    const router = routerOf(['ldap-1', ldap]);
    const alice = await find(router, 'alice');
    expect(alice.groups).toEqual(['admins', 'staff']);
    // Alice leaves admins in the directory (the memberof overlay updates her memberOf); bob joins first,
    // since a groupOfNames needs a member.
    await slapd.asRoot((client) =>
      client.modify(`cn=admins,${GROUPS_DN}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn('bob')] }) })),
    );
    await slapd.asRoot((client) =>
      client.modify(`cn=admins,${GROUPS_DN}`, new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dn('alice')] }) })),
    );
    expect((await router.findById(TENANT, alice.id))?.groups).toEqual(['admins', 'staff']);
    clock.advance(59);
    expect((await router.findById(TENANT, alice.id))?.groups).toEqual(['admins', 'staff']);
    clock.advance(2);
    expect((await router.findById(TENANT, alice.id))?.groups).toEqual(['staff']);
    // A lookup by identifier always asks the directories.
    await slapd.asRoot((client) =>
      client.modify(`cn=admins,${GROUPS_DN}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn('alice')] }) })),
    );
    expect((await find(router, 'alice')).groups).toEqual(['admins', 'staff']);
  });
  describe('verifyDummy, for a tenant with several directories', () => {
    let tap: LdapTap;
    /** The same slapd, reached through a tap that records every request. */
    let tapped: LdapDirectory;

    beforeAll(async () => {
      const { hostname, port } = new URL(slapd.url);
      tap = await startLdapTap({ target: { host: hostname, port: Number(port) } });
      tapped = new LdapDirectory({ tenantId: TENANT, url: tap.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN });
    });
    afterAll(async () => {
      await tap?.close();
    });

    it("runs every directory's own dummy check at once: with [builtin, ldap] slapd gets the search and the bind a real check costs", async () => {
      const router = routerOf(['builtin', sql], ['ldap-1', tapped]);
      const argon2 = hasher.verifyDummy.bind(hasher);
      let argon2DoneAt = Number.POSITIVE_INFINITY;
      const spy = vi.spyOn(hasher, 'verifyDummy').mockImplementation(async (password) => {
        await argon2(password);
        argon2DoneAt = performance.now();
      });
      try {
        tap.clear();
        const connectionsBefore = tap.connections;
        await router.verifyDummy('what-the-person-typed', TENANT);
        // The built-in directory's argon2 ...
        expect(spy).toHaveBeenCalledTimes(1);
        // ... and LDAP's two round trips: a search on the service connection, a bind on a connection of its own.
        expect(tap.connections - connectionsBefore).toBe(2);
        expect(tap.requests.filter((r) => r.op === LDAP_OP.search)).toHaveLength(1);
        expect(tap.requests.filter((r) => r.op === LDAP_OP.bind)).toHaveLength(2);
        // In parallel: slapd was reached before the argon2 check ended (one after the other, it would be after).
        expect(tap.openedAt[0]).toBeLessThan(argon2DoneAt);
        // What the person typed is not sent anywhere.
        expect(tap.containing('what-the-person-typed')).toEqual([]);

        // Without a tenant, the default tenant's directories, all of them.
        tap.clear();
        await router.verifyDummy('what-the-person-typed');
        expect(spy).toHaveBeenCalledTimes(2);
        expect(tap.requests.filter((r) => r.op === LDAP_OP.bind)).toHaveLength(2);
      } finally {
        spy.mockRestore();
      }
    });

    it('a directory of the tenant that is down fails the dummy check as a real check there would, counted', async () => {
      const router = routerOf(['builtin', sql], ['ldap-down', down]);
      const count = async () => Number((await errorsMetric()).match(/directory="ldap-down",reason="unavailable"\} (\d+)/)?.[1] ?? '0');
      const before = await count();
      await expect(router.verifyDummy('whatever', TENANT)).rejects.toMatchObject({ code: 'directory_unavailable' });
      expect(await count()).toBe(before + 1);
    });
  });

  it('findById with fresh: true reads the directory past the cache; what it reads replaces the cached copy, or drops it', async () => {
    const router = routerOf(['ldap-1', ldap]);
    const erin = await find(router, 'erin');
    expect(erin.enabled).toBe(true);
    // An administrator disables erin (ppolicy's permanent lock) while her account is cached.
    await slapd.replace(dn('erin'), 'pwdAccountLockedTime', ['000001010000Z']);
    try {
      expect((await router.findById(TENANT, erin.id))?.enabled).toBe(true);
      expect((await router.findById(TENANT, erin.id, { fresh: true }))?.enabled).toBe(false);
      // The fresh answer is what the cache holds now.
      expect((await router.findById(TENANT, erin.id))?.enabled).toBe(false);
    } finally {
      await slapd.replace(dn('erin'), 'pwdAccountLockedTime', []);
    }
    expect((await router.findById(TENANT, erin.id, { fresh: true }))?.enabled).toBe(true);

    // Removed from the directory: the cached copy lingers for a plain read, a fresh one finds nothing and drops it.
    await slapd.asRoot((client) => client.del(dn('erin')));
    expect((await router.findById(TENANT, erin.id))?.username).toBe('erin');
    expect(await router.findById(TENANT, erin.id, { fresh: true })).toBeNull();
    expect(await router.findById(TENANT, erin.id)).toBeNull();
  });
});
