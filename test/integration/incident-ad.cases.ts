import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IncidentActor } from '../../src/core/incident/incident-person.js';
import type { SambaAd } from '../helpers/samba-ad.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { addAdPeople, addedAdDn } from './active-directory-people.cases.js';

const BY: IncidentActor = { actor: 'cli:tester', client: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'c1' } };
const PEOPLE = [
  { username: 'incidenta', email: 'incidenta@example.org', displayName: 'Incident A', password: 'Incident-A-Start-2025!' },
  { username: 'incidentb', email: 'incidentb@example.org', displayName: 'Incident B', password: 'Incident-B-Start-2025!' },
];

/**
 * An incident's forced reset on Active Directory: `pwdLastSet = 0` on each listed person (the password itself
 * unchanged, AD then refuses the logon until it is changed), nothing on a dry run. Registered inside
 * test/integration/active-directory.test.ts, against the Samba AD DC started there; adds its own two people.
 */
export function incidentAdCases(getAd: () => SambaAd): void {
  let ad: SambaAd;
  let t: TestApp;
  const pwdLastSet = async (username: string) => (await ad.read(addedAdDn(username), ['pwdLastSet'])).pwdLastSet?.[0];

  beforeAll(async () => {
    ad = getAd();
    await addAdPeople(ad, PEOPLE);
    const directory = { type: 'active_directory' as const, url: ad.url, tlsCa: ad.caPem, tlsServerName: ad.tlsServerName, bindDn: ad.service.dn, bindPassword: ad.service.password, baseDn: ad.baseDn };
    t = await startTestApp({ overrides: { tenants: [{ id: 'demo', name: 'Demo Company', directories: [directory] }], defaultTenant: 'demo' } });
  });
  afterAll(async () => t?.close());

  it('sets pwdLastSet to 0 for each listed person (not on a dry run), ends nothing else in AD, and tells them', async () => {
    const source = { kind: 'list' as const, name: 'people.csv', identifiers: [...PEOPLE.map((p, i) => ({ line: i + 2, value: p.username })), { line: 9, value: 'nosuchperson' }] };
    const dry = await t.app.incidents.start({ tenantId: 'demo', source, mode: 'lock', expiresInSeconds: 86_400, reason: '', dryRun: true, by: BY });
    expect(dry.counts).toMatchObject({ pending: 2, skipped: 1 });
    for (const p of PEOPLE) expect(await pwdLastSet(p.username)).not.toBe('0');
    expect(await ad.bindWorks(addedAdDn('incidenta'), PEOPLE[0]!.password)).toBe(true);

    const started = await t.app.incidents.start({ tenantId: 'demo', source, mode: 'lock', expiresInSeconds: 86_400, reason: 'phished', dryRun: false, by: BY });
    const done = await t.app.incidents.run('demo', started.incident.id, BY);
    expect(done.counts).toMatchObject({ done: 2, skipped: 1, failed: 0, pending: 0 });
    for (const p of PEOPLE) expect(await pwdLastSet(p.username)).toBe('0');
    // AD refuses the logon with the unchanged password until it is changed (data 773).
    expect(await ad.bindWorks(addedAdDn('incidenta'), PEOPLE[0]!.password)).toBe(false);
    const notices = await t.app.database.db.selectFrom('outbox').select('subject_id').where('template', '=', 'incident_notice').execute();
    expect(notices).toHaveLength(2);
  });
}
