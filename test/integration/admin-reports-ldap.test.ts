import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { coverageReport } from '../../src/core/admin/reports/coverage-report.js';
import { lockedReport } from '../../src/core/admin/reports/locked-report.js';
import { DEFAULT_REPORT_PARAMS } from '../../src/core/admin/reports/report-params.js';
import type { ReportRow, ReportSources } from '../../src/core/admin/reports/report.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { PAGING_PEOPLE } from '../contract/directory-people.contract.js';
import { addLdapPeople } from '../helpers/ldap-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';

const TENANT = 'demo';
const PAGE = 4;

/** The coverage report over a real slapd with more people than one page (Simple Paged Results, pageSize 4). */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('coverage report on a real slapd', () => {
  let slapd: Slapd;
  let directory: LdapDirectory;
  beforeAll(async () => {
    slapd = await startSlapd();
    await addLdapPeople(slapd, PAGING_PEOPLE);
    directory = new LdapDirectory({ tenantId: TENANT, url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, passwordPolicyDn: POLICY_DN });
  });
  afterAll(async () => slapd?.stop());

  const everyone = async (): Promise<DirectoryAccount[]> => {
    const all: DirectoryAccount[] = [];
    for await (const account of directory.listPeople(TENANT, { pageSize: 500 })) all.push(account);
    return all;
  };
  const collect = async (rows: AsyncIterable<ReportRow>) => {
    const out: ReportRow[] = [];
    for await (const row of rows) out.push(row);
    return out;
  };

  it('lists every enabled person without a method, across pages, and counts the covered ones', async () => {
    const all = await everyone();
    const enabled = all.filter((a) => a.enabled);
    expect(enabled.length).toBeGreaterThan(3 * PAGE);
    const covered = new Set([enabled[0]!.id, enabled[7]!.id]);
    const sources: ReportSources = {
      directory,
      coverage: { subjectsWithMethods: async () => covered },
      stats: { counts: async () => [] },
      auditGroups: { failuresBySubject: async () => [], rateLimitedSources: async () => [] },
      listPageSize: PAGE,
    };
    const run = coverageReport.run(sources, { tenantId: TENANT, params: DEFAULT_REPORT_PARAMS, now: new Date() });
    const rows = await collect(run.rows);
    expect(rows.map((r) => r[4]).sort()).toEqual(enabled.filter((a) => !covered.has(a.id)).map((a) => a.id).sort());
    const figures = Object.fromEntries(run.summary().figures.map((f) => [f.key, f.value]));
    expect(figures).toEqual({ people: enabled.length, covered: 2, uncovered: enabled.length - 2, disabled: all.length - enabled.length });
    expect(rows.some((r) => r[0] === 'pager25')).toBe(true);
  });

  it('lists the people the directory reports as locked out, with the lockout time', async () => {
    const all = await everyone();
    const sources: ReportSources = {
      directory,
      coverage: { subjectsWithMethods: async () => new Set() },
      stats: { counts: async () => [] },
      auditGroups: { failuresBySubject: async () => [], rateLimitedSources: async () => [] },
      listPageSize: PAGE,
    };
    const run = lockedReport.run(sources, { tenantId: TENANT, params: DEFAULT_REPORT_PARAMS, now: new Date() });
    const rows = await collect(run.rows);
    expect(rows.map((r) => r[0]).sort()).toEqual(all.filter((a) => a.locked).map((a) => a.username).sort());
    for (const row of rows) expect(row[3] === null || /^\d{4}-\d{2}-\d{2}T/.test(String(row[3]))).toBe(true);
  });
});
