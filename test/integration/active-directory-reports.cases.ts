import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTime } from '../../src/adapters/directory/ad-account-details.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { ExtraPerson } from '../contract/directory-people.contract.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';
import { DOMAIN_DN, DOMAIN_POLICY, GROUPS_OU, type SambaAd } from '../helpers/samba-ad.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';
import { addAdPeople, addedAdDn } from './active-directory-people.cases.js';

/**
 * The console's reports on Active Directory, through the whole app: an operator of an AD group signs in
 * (password bound against the DC, then an authenticator code) and reads the coverage, locked-out and
 * expiring reports; a bearer token reads the same as JSON. The app's directory is a tap in front of the
 * DC, so the test sees the paged searches of the listing (a page smaller than the domain's people).
 * Registered inside test/integration/active-directory.test.ts, against the Samba AD DC started there (only
 * one can run: it takes the standard ports), after every other AD case: the people and groups added here
 * stay, and those cases' people are in the listing too (the expectations are computed from it).
 */

const TENANT = 'demo';
/** Accounts per paged search of the listing: far fewer than the domain's people. */
const PAGE = 4;
/** The Simple Paged Results control (RFC 2696). */
const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';
const DAY_MS = 86_400_000;
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The group the reports are grouped and filtered by; the operators' group. */
const TEAM = 'rpt-team';
const AUDITORS = 'rpt-auditors';

const person = (username: string): ExtraPerson => ({ username, email: `${username}@reports.example.org`, displayName: `Report ${username}`, password: `${username}-Secret-2024!A` });
/** The operator (an auditor through the AD group `rpt-auditors`). */
const OPERATOR = person('rpt-oper');
/** In `rpt-team`: one with a confirmed method, one with only a pending one, one with none, one locked, one whose password never expires, one disabled. */
const TEAM_PEOPLE = ['rpt-covered', 'rpt-pending', 'rpt-bare', 'rpt-locked', 'rpt-never', 'rpt-off'].map(person);
/** The team's enabled people whose password expires by the domain policy. */
const EXPIRING = ['rpt-covered', 'rpt-pending', 'rpt-bare', 'rpt-locked'];

/** userAccountControl: NORMAL_ACCOUNT (0x200) plus ACCOUNTDISABLE (0x2) / DONT_EXPIRE_PASSWORD (0x10000). */
const UAC_DISABLED = String(0x200 | 0x2);
const UAC_NEVER_EXPIRES = String(0x200 | 0x10000);

interface JsonReport {
  rows: Array<Record<string, string | number | null>>;
  total: number;
  figures: Array<{ key: string; value: number }>;
  chart: { labels: string[]; series: Array<{ key: string; values: number[] }> } | null;
}

export function activeDirectoryReportsCases(getAd: () => SambaAd): void {
  let ad: SambaAd;
  let tap: LdapTap;
  let t: TestApp;
  let operator: PortalVisitor;
  let token: string;

  /** A tap in front of the DC's LDAPS port, showing the app the DC's own certificate. */
  const tapSamba = (): Promise<LdapTap> => {
    const tls = join(ad.dir, 'private', 'tls');
    const { hostname, port } = new URL(ad.url);
    return startLdapTap({
      target: { host: hostname, port: Number(port) },
      tls: { cert: readFileSync(join(tls, 'cert.pem'), 'utf8'), key: readFileSync(join(tls, 'key.pem'), 'utf8'), ca: ad.caPem, servername: ad.tlsServerName },
    });
  };
  /** An account as the app's directory (the router) hands it out: its id is what methods are registered under. */
  const accountOf = async (username: string): Promise<DirectoryAccount> => {
    const account = await t.app.admin!.directory.findByIdentifier(TENANT, username);
    if (!account) throw new Error(`${username} not found`);
    return account;
  };
  /** Everyone the app's directory lists, in one page. */
  const everyone = async (): Promise<DirectoryAccount[]> => {
    const all: DirectoryAccount[] = [];
    for await (const account of t.app.admin!.directory.listPeople!(TENANT, { pageSize: 1000 })) all.push(account);
    return all;
  };
  const api = async (path: string): Promise<JsonReport> => {
    const res = await t.server.inject({ method: 'GET', url: `/api/v1/admin/tenants/${TENANT}/reports/${path}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<JsonReport>();
  };
  const figuresOf = (report: JsonReport) => Object.fromEntries(report.figures.map((f) => [f.key, f.value]));
  const usernames = (report: JsonReport) => report.rows.map((r) => String(r.username)).sort();

  beforeAll(async () => {
    ad = getAd();
    await addAdPeople(ad, [OPERATOR, ...TEAM_PEOPLE]);
    await ad.asAdmin(async (client) => {
      await client.add(`CN=${TEAM},${GROUPS_OU}`, { objectClass: ['top', 'group'], sAMAccountName: TEAM, member: TEAM_PEOPLE.map((p) => addedAdDn(p.username)) });
      await client.add(`CN=${AUDITORS},${GROUPS_OU}`, { objectClass: ['top', 'group'], sAMAccountName: AUDITORS, member: [addedAdDn(OPERATOR.username)] });
    });
    await ad.replace(addedAdDn('rpt-off'), 'userAccountControl', [UAC_DISABLED]);
    await ad.replace(addedAdDn('rpt-never'), 'userAccountControl', [UAC_NEVER_EXPIRES]);
    // Locked by AD itself: wrong passwords up to the domain's lockout threshold (lockoutTime set by the DC).
    for (let i = 0; i < DOMAIN_POLICY.lockoutThreshold; i++) await ad.tryBind(addedAdDn('rpt-locked'), `wrong-${i}-Password!`);

    tap = await tapSamba();
    t = await startTestApp({
      overrides: {
        tenants: [{
          id: TENANT,
          name: 'Demo Company',
          directories: [{ type: 'active_directory', name: 'corp-ad', url: tap.url, tlsCa: ad.caPem, tlsServerName: ad.tlsServerName, bindDn: ad.service.dn, bindPassword: ad.service.password, baseDn: ad.baseDn }],
          operators: [{ group: AUDITORS, role: 'auditor' }],
        }],
        defaultTenant: TENANT,
      },
    });
    // Reports list people in pages of the directory's default size; this domain is small, so the test
    // makes the page smaller than its people to have the listing go page by page.
    t.app.admin!.reports!.listPageSize = PAGE;

    const now = t.clock.now();
    const methods = t.app.admin!.methods;
    for (const name of [OPERATOR.username, 'rpt-covered']) {
      await methods.add({ tenantId: TENANT, subjectId: (await accountOf(name)).id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, now);
    }
    // A method never confirmed does not cover its person.
    await methods.add({ tenantId: TENANT, subjectId: (await accountOf('rpt-pending')).id, kind: 'totp', name: 'pending', secret: SEED, confirmed: false }, now);

    // The operator signs in as a person of the AD: the password (bound against the DC), then the code.
    t.clock.advance(31);
    operator = new PortalVisitor(t);
    await operator.get('/admin/sign-in');
    const password = await operator.post('/admin/sign-in', { username: OPERATOR.username, password: OPERATOR.password });
    expect(password.headers.location, password.body).toBe('/admin/sign-in/verify');
    await operator.get('/admin/sign-in/verify');
    const done = await operator.post('/admin/sign-in/verify', { code: totpAt(SEED, t.clock.now().getTime()) });
    expect(done.headers.location, done.body).toBe('/admin');

    ({ token } = await t.app.admin!.tokens.create({ role: 'auditor', tenants: [TENANT], ttlSeconds: 3600, name: 'ad reports', createdBy: 'test' }));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await tap?.close();
  });

  describe('coverage', () => {
    it('the console page for one AD group: the person with a confirmed method is covered, the others are listed, the disabled one counted apart', async () => {
      const page = await operator.get(`/admin/t/${TENANT}/reports/coverage?group=${TEAM}`);
      expect(page.statusCode, page.body).toBe(200);
      const text = visibleText(page.body);
      // Enabled in rpt-team: covered, pending, bare, locked, never; rpt-off is disabled.
      expect(text).toMatch(/People\s*5/);
      expect(text).toMatch(/With a registered method\s*1/);
      expect(text).toMatch(/Without a registered method\s*4/);
      expect(text).toMatch(/Disabled \(not counted\)\s*1/);
      expect(page.body).toMatch(new RegExp(`<th scope="row">${TEAM}</th><td data-value="1">1</td><td data-value="4">4</td>`));
      for (const name of ['rpt-pending', 'rpt-bare', 'rpt-locked', 'rpt-never']) expect(page.body).toContain(`<td>${name}</td>`);
      for (const name of ['rpt-covered', 'rpt-off', OPERATOR.username]) expect(page.body).not.toContain(`<td>${name}</td>`);
    });

    it('the whole domain, read in paged searches of 4 on one listing: every enabled person without a method, by group', async () => {
      const all = await everyone();
      const enabled = all.filter((a) => a.enabled);
      const covered = new Set([OPERATOR.username, 'rpt-covered']);
      expect(all.length).toBeGreaterThan(3 * PAGE);

      tap.clear();
      const report = await api('coverage');
      const pages = tap.containing(PAGED_RESULTS_OID, LDAP_OP.search);
      expect(pages).toHaveLength(Math.ceil(all.length / PAGE));
      expect(new Set(pages.map((p) => p.connection)).size).toBe(1);

      expect(usernames(report)).toEqual(enabled.map((a) => a.username).filter((u) => !covered.has(u)).sort());
      expect(figuresOf(report)).toEqual({ people: enabled.length, covered: 2, uncovered: enabled.length - 2, disabled: all.length - enabled.length });
      const row = report.rows.find((r) => r.username === 'rpt-bare');
      expect(row).toMatchObject({ email: 'rpt-bare@reports.example.org', display_name: 'Report rpt-bare', groups: TEAM, account_id: (await accountOf('rpt-bare')).id });
      const chart = report.chart!;
      const at = chart.labels.indexOf(TEAM);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(chart.series.map((s) => [s.key, s.values[at]])).toEqual([['covered', 1], ['uncovered', 4]]);
    });
  });

  describe('locked out', () => {
    it('lists the person AD locked after wrong passwords, with the lockoutTime the DC set and the directory', async () => {
      const lockoutTime = fileTime((await ad.read(addedAdDn('rpt-locked'), ['lockoutTime'])).lockoutTime?.[0]);
      expect(lockoutTime).toBeInstanceOf(Date);

      const page = await operator.get(`/admin/t/${TENANT}/reports/locked?group=${TEAM}`);
      expect(page.statusCode, page.body).toBe(200);
      expect(visibleText(page.body)).toMatch(/Locked out\s*1/);
      expect(page.body).toContain('<td>rpt-locked</td>');
      expect(page.body).toContain(`<td>${lockoutTime!.toISOString()}</td>`);

      const team = await api(`locked?group=${TEAM}`);
      expect(team.rows).toEqual([
        { username: 'rpt-locked', display_name: 'Report rpt-locked', email: 'rpt-locked@reports.example.org', locked_at: lockoutTime!.toISOString(), directory: 'corp-ad', account_id: (await accountOf('rpt-locked')).id },
      ]);
      // The whole domain: exactly those the directory says are locked now (other AD cases may have left some).
      const all = await everyone();
      const domain = await api('locked');
      expect(usernames(domain)).toEqual(all.filter((a) => a.locked).map((a) => a.username).sort());
      expect(figuresOf(domain)).toEqual({ people: all.length, locked: domain.rows.length });
    });
  });

  describe('expiring passwords', () => {
    it("gives pwdLastSet plus the domain's maxPwdAge as the expiry; a password that never expires is counted, not listed", async () => {
      // Samba's domain has a maximum password age (the provisioning default, 42 days): a negative FILETIME interval.
      const maxPwdAge = BigInt((await ad.read(DOMAIN_DN, ['maxPwdAge'])).maxPwdAge![0]!);
      expect(maxPwdAge).toBeLessThan(0n);
      const maxAgeMs = Number(-maxPwdAge / 10_000n);
      const maxDays = Math.floor(maxAgeMs / DAY_MS);
      expect(maxAgeMs % DAY_MS).toBe(0);
      expect(maxDays).toBeGreaterThan(7);
      const expected: Record<string, { set: Date; expires: Date }> = {};
      for (const name of EXPIRING) {
        const set = fileTime((await ad.read(addedAdDn(name), ['pwdLastSet'])).pwdLastSet?.[0]);
        expect(set).toBeInstanceOf(Date);
        expected[name] = { set: set!, expires: new Date(set!.getTime() + maxAgeMs) };
      }

      // The passwords were set minutes ago: they expire in maxDays - 1 whole days and some hours (maxPwdAge is whole days).
      const within = await api(`expiring?group=${TEAM}&days=${maxDays + 3}`);
      expect(usernames(within)).toEqual([...EXPIRING].sort());
      for (const row of within.rows) {
        const want = expected[String(row.username)]!;
        expect(row).toMatchObject({ password_last_set: want.set.toISOString(), password_expires: want.expires.toISOString(), days_left: maxDays - 1, status: 'expiring' });
      }
      expect(figuresOf(within)).toEqual({ people: 5, expiring: EXPIRING.length, expired: 0, never_expires: 1, expiry_unknown: 0 });

      const page = await operator.get(`/admin/t/${TENANT}/reports/expiring?group=${TEAM}&days=${maxDays + 3}`);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).toContain(`<td>${expected['rpt-bare']!.expires.toISOString()}</td>`);
      expect(page.body).not.toContain('<td>rpt-never</td>');

      // A window that ends before the expiry lists nobody.
      const sooner = await api(`expiring?group=${TEAM}&days=${maxDays - 7}`);
      expect(sooner.rows).toEqual([]);
      expect(figuresOf(sooner)).toMatchObject({ people: 5, expiring: 0, never_expires: 1 });
    });
  });
}
