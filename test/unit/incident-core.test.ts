import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderIncidentNotice, renderIncidentSms } from '../../src/adapters/mail/incident-mail.js';
import type { MailT } from '../../src/adapters/mail/templates.js';
import { parseCsv } from '../../src/cli/csv.js';
import { hookEventOf } from '../../src/core/hooks/hook-events.js';
import { identifiersFromCsv, resolvePeople, sourceOf } from '../../src/core/incident/incident-people.js';
import { parseExpiry, progressLine, progressOf } from '../../src/core/incident/incident-progress.js';
import { csvCell, reportCsvLine } from '../../src/core/incident/incident-report.js';
import type { IncidentRecord } from '../../src/core/incident/incident-store.js';
import { applyOverride } from '../../src/core/incident/policy-override.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';

const strings = JSON.parse(readFileSync(new URL('../../locales/en/mail.json', import.meta.url), 'utf8')) as Record<string, string>;

const INCIDENT: IncidentRecord = {
  id: 'inc1', tenantId: 'demo', mode: 'lock', source: 'group:breach', sourceKey: 'k', reason: '', createdBy: 'cli:x', dryRun: false, state: 'running',
  expiresAt: new Date('2026-12-14T00:00:00Z'), createdAt: new Date('2026-12-07T00:00:00Z'), finishedAt: null,
};

const account = (id: string, username: string, groups: string[], enabled = true): DirectoryAccount => ({ id, tenantId: 'demo', username, groups, enabled, locked: false });

describe('incident core', () => {
  it('reads durations: 7d, 48h, 90m, 3600s, plain seconds; nothing else', () => {
    expect(parseExpiry('7d')).toBe(604_800);
    expect(parseExpiry(' 48H ')).toBe(172_800);
    expect(parseExpiry('90m')).toBe(5400);
    expect(parseExpiry('3600s')).toBe(3600);
    expect(parseExpiry('3600')).toBe(3600);
    for (const bad of ['', '7 days', '-1d', '1.5h', '1w', 'd']) expect(parseExpiry(bad)).toBeNull();
  });

  it('takes the identifiers of a CSV from its identifier, username or email column, or the first column without a header', () => {
    expect(identifiersFromCsv(parseCsv('identifier\r\nalice\r\n\r\n bob \r\n'))).toEqual([{ line: 2, value: 'alice' }, { line: 4, value: 'bob' }]);
    expect(identifiersFromCsv(parseCsv('name,email\nAlice,alice@example.org\nBob,\n')).map((i) => i.value)).toEqual(['alice@example.org']);
    expect(identifiersFromCsv(parseCsv('Username\n"carol"\n')).map((i) => i.value)).toEqual(['carol']);
    expect(identifiersFromCsv(parseCsv('alice\nbob\n')).map((i) => i.value)).toEqual(['alice', 'bob']);
    expect(identifiersFromCsv([])).toEqual([]);
    expect(() => identifiersFromCsv(parseCsv('identifier\n"open\n'))).toThrow(/line 2/);
  });

  it('keys a source so the same command finds its incident: groups case-insensitively, lists in any order', () => {
    expect(sourceOf({ kind: 'group', group: 'Breach' }).key).toBe(sourceOf({ kind: 'group', group: 'breach ' }).key);
    expect(sourceOf({ kind: 'group', group: 'Breach' }).label).toBe('group:Breach');
    const list = (values: string[]) => sourceOf({ kind: 'list', name: 'p.csv', identifiers: values.map((value, i) => ({ line: i + 1, value })) });
    expect(list(['a', 'B']).key).toBe(list(['b', 'A']).key);
    expect(list(['a', 'b']).key).not.toBe(list(['a', 'c']).key);
    expect(list(['a']).label).toBe('file:p.csv');
  });

  it('resolves a group page by page, keeping members only, and skips the disabled, the unknown and the listed twice', async () => {
    const people = [account('1', 'ivan', ['Breach']), account('2', 'kim', ['staff']), account('3', 'mallory', ['breach'], false)];
    const directory = {
      findByIdentifier: async (_t: string, id: string) => people.find((p) => p.username === id) ?? null,
      async *listPeople() {
        yield* people;
      },
    };
    const now = new Date();
    const group = await resolvePeople(directory, 'demo', 'inc', { kind: 'group', group: 'breach' }, now);
    expect(group.map((r) => [r.seq, r.identifier, r.state, r.reason])).toEqual([[1, 'ivan', 'pending', null], [2, 'mallory', 'skipped', 'disabled']]);
    const listed = await resolvePeople(directory, 'demo', 'inc', { kind: 'list', name: 'x', identifiers: [{ line: 1, value: 'KIM' }, { line: 2, value: 'zed' }, { line: 3, value: 'kim' }] }, now);
    expect(listed.map((r) => [r.identifier, r.subjectId, r.state, r.reason])).toEqual([['KIM', '2', 'pending', null], ['zed', null, 'skipped', 'not_found'], ['kim', '2', 'skipped', 'duplicate']]);
    await expect(resolvePeople({ findByIdentifier: directory.findByIdentifier }, 'demo', 'inc', { kind: 'group', group: 'breach' }, now)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('reports progress with a rate and an estimate while running, and none once finished', () => {
    const counts = { total: 100, pending: 60, done: 38, failed: 1, skipped: 1 };
    const running = progressOf(INCIDENT, counts, { now: new Date('2026-12-07T00:00:10Z'), since: new Date('2026-12-07T00:00:00Z'), processed: 20 });
    expect(running.fraction).toBeCloseTo(0.4);
    expect(running.ratePerSecond).toBe(2);
    expect(running.etaSeconds).toBe(30);
    expect(progressLine(running)).toBe('40/100 (40.0 %), 2.0/s, about 30 s left, 1 failed');
    const finished = progressOf({ ...INCIDENT, state: 'finished' }, { ...counts, pending: 0, done: 98 }, { now: new Date() });
    expect(finished).toMatchObject({ fraction: 1, ratePerSecond: null, etaSeconds: null });
    expect(progressOf(INCIDENT, { total: 0, pending: 0, done: 0, failed: 0, skipped: 0 }, { now: new Date() }).fraction).toBe(1);
  });

  it('strict mode makes a decision stricter and never looser', () => {
    const decision = { requiredMethods: 1 as const, requireStrong: false, ssprEnabled: true };
    expect(applyOverride(decision, { requiredMethods: 2, requireStrong: true })).toEqual({ requiredMethods: 2, requireStrong: true, ssprEnabled: true });
    expect(applyOverride(decision, null)).toBe(decision);
    expect(applyOverride({ ...decision, ssprEnabled: false }, { requiredMethods: 2, requireStrong: true }).ssprEnabled).toBe(false);
  });

  it('writes report cells a spreadsheet cannot run as formulas', () => {
    expect(csvCell('=cmd|calc')).toBe("'=cmd|calc");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('@x')).toBe("'@x");
    expect(reportCsvLine({ incidentId: 'i', seq: 3, identifier: '+1', subjectId: null, state: 'skipped', reason: 'not_found', notes: null, updatedAt: new Date('2026-12-07T00:00:00Z') }))
      .toBe("3,'+1,,skipped,not_found,,2026-12-07T00:00:00.000Z\r\n");
  });

  it('calls the post-reset hooks for a person reset in an incident, not for a failed one', () => {
    const entry = { seq: 1, id: 'e1', at: 0, tenantId: 'demo', event: 'incident.person_reset', outcome: 'success', actor: 'cli:x', subjectId: 'u1', flowId: null, details: {} };
    expect(hookEventOf(entry)).toBe('reset.completed');
    expect(hookEventOf({ ...entry, outcome: 'failure' })).toBeNull();
    expect(hookEventOf({ ...entry, event: 'incident.started', subjectId: null })).toBeNull();
  });
});

describe('the incident notice', () => {
  let t: MailT;
  beforeAll(async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', resources: { en: { mail: strings } } });
    t = i18n.getFixedT('en', 'mail') as MailT;
  });
  const base = { displayName: 'Ivan <b>', tenantName: 'Acme', when: new Date('2026-12-07T10:00:00Z'), expiresAt: new Date('2026-12-14T10:00:00Z'), incident: 'inc1', publicUrl: 'https://reset.example.org/' };

  it('says what happened, that a new password is needed, how, until when, and whom to ask', () => {
    const lock = renderIncidentNotice({ ...base, mode: 'lock', supportContact: 'helpdesk@acme.example', t });
    expect(lock.subject).toBe('Action needed: set a new Acme password');
    expect(lock.text).toContain('security incident');
    expect(lock.text).toContain('choose a new password when you next sign in');
    expect(lock.text).toContain('https://reset.example.org/change');
    expect(lock.text).toContain('paused for your account until 2026-12-14 10:00:00 UTC');
    expect(lock.text).toContain('helpdesk@acme.example');
    expect(lock.text).toContain('incident inc1');
    expect(lock.text).not.toContain('/reset?');
    expect(lock.html).toContain('Ivan &lt;b&gt;');
    const strict = renderIncidentNotice({ ...base, mode: 'strict', t });
    expect(strict.text).toContain('reset it at https://reset.example.org/reset');
    expect(strict.text).toContain('two proofs');
    expect(strict.text).toContain('Contact your IT helpdesk');
    expect(strict.html).toContain('href="https://reset.example.org/reset"');
  });

  it('texts phones a short message without a link', () => {
    const text = renderIncidentSms({ tenantName: 'Acme <Corp>' }, t);
    expect(text).toMatch(/^Acme Corp: after a security incident you must set a new password\./);
    expect(text).not.toMatch(/https?:/);
    expect(renderIncidentSms({ tenantName: null }, t)).toMatch(/^After a security incident/);
  });
});
