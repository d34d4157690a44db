import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildMmdb } from '../helpers/mmdb-writer.js';
import { ALICE, BOB, STRONG_PASSWORD, postJson, setPassword, verify } from '../http/api-client.js';
import { PortalVisitor } from '../http/portal-forms.js';

const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

const dir = mkdtempSync(join(tmpdir(), 'unlatch-risk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAD_NET = '203.0.113';
const BERLIN = '192.0.2.10';
const NEW_YORK = '198.51.100.10';

/** A reputation list naming 203.0.113.0/24, and the test GeoIP database (Berlin and New York). */
function files(name: string): { list: string; mmdb: string } {
  const list = join(dir, `${name}-bad.txt`);
  writeFileSync(list, `# test list\n${BAD_NET}.0/24\n`);
  const mmdb = join(dir, `${name}.mmdb`);
  writeFileSync(mmdb, buildMmdb([
    { cidr: '192.0.2.0/24', country: 'DE', lat: 52.52, lon: 13.405 },
    { cidr: '198.51.100.0/24', country: 'US', lat: 40.7128, lon: -74.006 },
  ], { ipVersion: 4 }));
  return { list, mmdb };
}

/** The app behind a proxy it trusts, so each request can come from its own address; proof-of-work off (not this suite's subject). */
function riskConfig(name: string, risk: Record<string, unknown>): RawConfig {
  const { list, mmdb } = files(name);
  return {
    server: { trustProxy: true },
    risk: { reputationLists: [{ name: 'bad', file: list, points: 50 }], geoip: { file: mmdb }, proofOfWork: { mode: 'never' }, ...risk },
  } as RawConfig;
}

const from = (ip: string) => ({ 'x-forwarded-for': ip });

interface StartedEntry { outcome: string; subject_id: string | null; flow_id: string | null; details: Record<string, unknown> }

async function startedEntries(t: TestApp): Promise<StartedEntry[]> {
  const rows = await t.app.database.db.selectFrom('audit_log').select(['outcome', 'subject_id', 'flow_id', 'details']).where('event', '=', 'reset.started').orderBy('seq').execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

describe.each(databases)('risk at the start of a reset (%s)', (database) => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('audits a risky start with its reasons and keeps the decision on the flow', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`audit-${database}`, { bands: [{ min: 30, action: 'step_up' }] }) });
    const res = await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, from(`${BAD_NET}.5`));
    expect(res.statusCode, res.body).toBe(202);
    const [entry] = await startedEntries(t);
    expect(entry!.outcome).toBe('success');
    expect(entry!.details.risk).toEqual({ score: 50, action: 'step_up', reasons: [{ reason: 'ip_reputation', points: 50, detail: { list: 'bad' } }] });
    const flow = await t.app.database.db.selectFrom('reset_flows').select(['risk_score', 'risk_action', 'risk_reasons']).where('id', '=', entry!.flow_id!).executeTakeFirstOrThrow();
    expect({ score: Number(flow.risk_score), action: flow.risk_action }).toEqual({ score: 50, action: 'step_up' });
    expect(JSON.parse(flow.risk_reasons!)).toEqual([{ reason: 'ip_reputation', points: 50, detail: { list: 'bad' } }]);

    // A quiet start is audited too, as `allow` with score 0.
    expect((await postJson(t, '/api/v1/reset', { identifier: BOB.username }, from(BERLIN))).statusCode).toBe(202);
    expect((await startedEntries(t))[1]!.details.risk).toEqual({ score: 0, action: 'allow', reasons: [] });
    const counted = await t.app.metrics.registry.getSingleMetricAsString('unlatch_risk_decisions_total');
    expect(counted).toMatch(/unlatch_risk_decisions_total\{tenant="demo",action="step_up"\} 1/);
    expect(counted).toMatch(/unlatch_risk_decisions_total\{tenant="demo",action="allow"\} 1/);
  });

  it('answers a denied start exactly like any other start, with a decoy flow and no mail to the person', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`deny-${database}`, { bands: [{ min: 40, action: 'deny' }] }) });
    const denied = await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, from(`${BAD_NET}.9`));
    const normal = await postJson(t, '/api/v1/reset', { identifier: BOB.username }, from(BERLIN));
    expect(denied.statusCode).toBe(normal.statusCode);
    expect(Object.keys(denied.json()).sort()).toEqual(Object.keys(normal.json()).sort());
    expect(Object.keys(denied.headers).sort()).toEqual(Object.keys(normal.headers).sort());
    const [deniedEntry, normalEntry] = await startedEntries(t);
    expect(deniedEntry).toMatchObject({ outcome: 'decoy', subject_id: (await t.accountOf(ALICE.username)).id, details: { reason: 'risk_denied', risk: { score: 50, action: 'deny' } } });
    expect(normalEntry).toMatchObject({ outcome: 'success', details: { risk: { action: 'allow' } } });
    await t.deliverMail();
    expect(await t.mailsTo(ALICE.email)).toEqual([]);
    expect(await t.mailsTo(BOB.email)).toHaveLength(1);

    // The portal: the same redirect and the same cookies (names and attributes) for a denied and a normal start.
    const answers = [];
    for (const [user, ip] of [[ALICE.username, `${BAD_NET}.9`], [BOB.username, BERLIN]] as const) {
      const visitor = new PortalVisitor(t, from(ip));
      const res = await visitor.fill('/reset', { identifier: user });
      const cookies = [res.headers['set-cookie'] ?? []].flat().map((c) => c.replace(/^([^=]+)=[^;]*/, '$1=…').replace(/Expires=[^;]+/i, 'Expires=…'));
      answers.push({ status: res.statusCode, location: res.headers.location, cookies });
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('sets the device cookie on the start page (HttpOnly, SameSite=Lax, about a year), keeps it, and remembers a device once a reset completes', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`device-${database}`, {}) });
    const visitor = new PortalVisitor(t, from(BERLIN));
    const page = await visitor.get('/reset');
    const cookie = [page.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('unlatch_device='));
    expect(cookie).toMatch(/^unlatch_device=[A-Za-z0-9_-]{24}; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect([(await visitor.get('/reset')).headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('unlatch_device='))).toBe(false);
    const started = await visitor.post('/reset', { identifier: ALICE.username });
    expect(started.statusCode, started.body).toBe(303);
    const row = await t.app.database.db.selectFrom('reset_flows').select(['id', 'risk_device']).where('decoy', '=', 0).executeTakeFirstOrThrow();
    const device = cookie!.split(';')[0]!.split('=')[1]!;
    // Only an HMAC of the cookie is kept.
    expect(row.risk_device).toMatch(/^[0-9a-f]{64}$/);
    expect(row.risk_device).not.toContain(device);
    expect(await t.app.database.db.selectFrom('risk_devices').selectAll().execute()).toEqual([]);

    // Completed in this browser: the device is known to the account (as the flow's HMAC), and a start from another
    // browser is a new device while this one is not.
    expect((await visitor.follow(started)).statusCode).toBe(200);
    const verified = await visitor.post('/reset/code', { method: 'email_code', code: await t.codeFor(ALICE.email) });
    expect(verified.statusCode, verified.body).toBe(303);
    expect((await visitor.get('/reset/password')).statusCode).toBe(200);
    const done = await visitor.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.headers.location).toBe('/reset/done');
    expect(await t.app.database.db.selectFrom('risk_devices').select('device_hash').execute()).toEqual([{ device_hash: row.risk_device }]);
    expect((await visitor.fill('/reset', { identifier: ALICE.username })).statusCode).toBe(303);
    expect(((await startedEntries(t)).at(-1)!.details.risk as { reasons: unknown[] }).reasons).toEqual([]);
    const stranger = new PortalVisitor(t, from(BERLIN));
    expect((await stranger.fill('/reset', { identifier: ALICE.username })).statusCode).toBe(303);
    expect(((await startedEntries(t)).at(-1)!.details.risk as { reasons: unknown[] }).reasons).toEqual([{ reason: 'new_device', points: 15, detail: { knownDevices: 1 } }]);
  });

  it('takes an app\'s device id in the API start (`device`), knows it once a reset completes with it, and refuses a malformed one', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`api-device-${database}`, {}) });
    const device = 'app-installation-0123456789';
    const start = async (body: Record<string, unknown>) => {
      const res = await postJson(t!, '/api/v1/reset', { identifier: ALICE.username, ...body }, from(BERLIN));
      expect(res.statusCode, res.body).toBe(202);
      return res.json<{ flowId: string }>().flowId;
    };
    const flowId = await start({ device });
    expect((await verify(t, flowId, await t.codeFor(ALICE.email))).statusCode).toBe(200);
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(200);
    expect(await t.app.database.db.selectFrom('risk_devices').selectAll().execute()).toHaveLength(1);
    await start({ device });
    expect(((await startedEntries(t)).at(-1)!.details.risk as { reasons: unknown[] }).reasons).toEqual([]);
    await start({ device: 'another-installation-98765' });
    expect(((await startedEntries(t)).at(-1)!.details.risk as { reasons: unknown[] }).reasons).toEqual([{ reason: 'new_device', points: 15, detail: { knownDevices: 1 } }]);
    const bad = await postJson(t, '/api/v1/reset', { identifier: ALICE.username, device: 'short' }, from(BERLIN));
    expect(bad.statusCode).toBe(400);
  });

  it('finds impossible travel end to end: a reset completed in Berlin, a start from New York an hour later', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`travel-${database}`, {}) });
    const start = await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, from(BERLIN));
    const { flowId } = start.json<{ flowId: string }>();
    expect((await verify(t, flowId, await t.codeFor(ALICE.email))).statusCode).toBe(200);
    const done = await postJson(t, `/api/v1/reset/${flowId}/password`, { password: STRONG_PASSWORD }, from(BERLIN));
    expect(done.statusCode, done.body).toBe(200);
    const kept = await t.app.database.db.selectFrom('risk_accounts').selectAll().executeTakeFirstOrThrow();
    // The place, never the address.
    expect(kept).toMatchObject({ last_country: 'DE' });
    expect(Number(kept.last_lat)).toBeCloseTo(52.52, 2);
    expect(JSON.stringify(kept)).not.toContain(BERLIN);
    expect((JSON.parse(kept.hours) as number[]).reduce((a, b) => a + b, 0)).toBe(1);

    t.clock.advance(3600);
    expect((await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, from(NEW_YORK))).statusCode).toBe(202);
    const last = (await startedEntries(t)).at(-1)!;
    const reasons = (last.details.risk as { reasons: Array<{ reason: string; detail: Record<string, unknown> }> }).reasons;
    expect(reasons).toEqual([{ reason: 'impossible_travel', points: 40, detail: expect.objectContaining({ from: 'DE', to: 'US' }) }]);
    expect(Number(reasons[0]!.detail.kmh)).toBeGreaterThan(5000);

    // A day later the same trip is possible.
    t.clock.advance(24 * 3600);
    await postJson(t, '/api/v1/reset', { identifier: ALICE.username }, from(NEW_YORK));
    expect(((await startedEntries(t)).at(-1)!.details.risk as { reasons: unknown[] }).reasons).toEqual([]);
  });

  it('reloads a reputation list the operator changes while the server runs', async () => {
    t = await startTestApp({ database, overrides: riskConfig(`reload-${database}`, {}) });
    const list = join(dir, `reload-${database}-bad.txt`);
    writeFileSync(list, '# emptied\n');
    await expect.poll(async () => {
      await postJson(t!, '/api/v1/reset', { identifier: BOB.username }, from(`${BAD_NET}.77`));
      return ((await startedEntries(t!)).at(-1)!.details.risk as { score: number }).score;
    }, { timeout: 10_000, interval: 100 }).toBe(0);
    writeFileSync(list, `${BERLIN}\n`);
    await expect.poll(async () => {
      await postJson(t!, '/api/v1/reset', { identifier: BOB.username }, from(BERLIN));
      return ((await startedEntries(t!)).at(-1)!.details.risk as { score: number }).score;
    }, { timeout: 10_000, interval: 100 }).toBe(50);
  });
});
