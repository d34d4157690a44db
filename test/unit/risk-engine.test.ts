import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryLimiter } from '../../src/adapters/limiter/memory-limiter.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { deviceHash } from '../../src/core/risk/device-hash.js';
import { RiskEngine } from '../../src/core/risk/risk-engine.js';
import type { AccountRiskHistory, GeoPlace, RiskHistory, SuccessRecord } from '../../src/core/risk/risk-ports.js';
import { RISK_BUCKET_POINTS, type RiskSettings } from '../../src/core/risk/risk-settings.js';
import type { RiskDecision } from '../../src/core/risk/risk-types.js';
import { TestClock } from '../helpers/test-clock.js';
import { riskSettings } from '../helpers/risk-settings.js';

/** The history as the SQL one keeps it, in memory (the SQL adapter has its own tests on both databases). */
class MemoryHistory implements RiskHistory {
  readonly accounts = new Map<string, AccountRiskHistory>();
  readonly known = new Map<string, string[]>();
  async account(tenantId: string, subjectId: string): Promise<AccountRiskHistory> {
    return this.accounts.get(`${tenantId}/${subjectId}`) ?? { last: null, hours: new Array<number>(24).fill(0) };
  }
  async devices(tenantId: string, subjectId: string): Promise<string[]> {
    return this.known.get(`${tenantId}/${subjectId}`) ?? [];
  }
  async record(s: SuccessRecord): Promise<void> {
    const key = `${s.tenantId}/${s.subjectId}`;
    const past = await this.account(s.tenantId, s.subjectId);
    const hours = [...past.hours];
    if (s.hour !== null) hours[s.hour]! += 1;
    this.accounts.set(key, { last: { at: s.at, lat: s.place?.lat ?? null, lon: s.place?.lon ?? null, country: s.place?.country ?? null }, hours });
    if (s.deviceHash) this.known.set(key, [...(this.known.get(key) ?? []), s.deviceHash]);
  }
}

const PLACES: Record<string, GeoPlace> = { '192.0.2.1': { country: 'DE', lat: 52.52, lon: 13.405 }, '198.51.100.1': { country: 'US', lat: 40.71, lon: -74.0 } };

function engine(over: Partial<RiskSettings> = {}, extra: { attack?: boolean; lists?: Record<string, number> } = {}) {
  const settings = riskSettings(over);
  const limiter = new MemoryLimiter({
    risk_ip: { points: RISK_BUCKET_POINTS, durationSeconds: 3600 },
    risk_subnet: { points: RISK_BUCKET_POINTS, durationSeconds: 3600 },
    risk_account: { points: RISK_BUCKET_POINTS, durationSeconds: 3600 },
    risk_tenant: { points: RISK_BUCKET_POINTS, durationSeconds: 3600 },
    proof_failures: { points: 100, durationSeconds: 3600 },
  });
  const keys = new KeyRing([{ id: 'k1', secret: randomBytes(32) }]);
  const history = new MemoryHistory();
  const clock = new TestClock();
  const risk = new RiskEngine({
    settings, limiter, keys, clock, history,
    geo: { locate: (ip) => PLACES[ip] ?? null },
    reputation: { lookup: (ip) => Object.entries(extra.lists ?? {}).filter(([name]) => ip.startsWith(name.split('@')[1] ?? '-')).map(([name, points]) => ({ name: name.split('@')[0]!, points })) },
    attackMode: { isActive: async () => extra.attack ?? false },
    timeZoneOf: () => 'UTC',
  });
  return { risk, limiter, keys, history, clock };
}

const client = (ip: string) => ({ ip, userAgent: 'test', correlationId: 'c' });
const account = { id: 'u1', groups: ['staff'] };

async function start(risk: RiskEngine, ip: string, opts: { device?: string; account?: typeof account | null } = {}): Promise<{ before: RiskDecision; after: RiskDecision }> {
  const before = await risk.beforeLookup({ tenantId: 't1', client: client(ip), device: opts.device });
  const after = await risk.afterLookup({ tenantId: 't1', client: client(ip), device: opts.device, account: opts.account === undefined ? account : opts.account, accountKey: 'a:k', before });
  return { before, after };
}

describe('the risk engine', () => {
  it('allows a quiet start with score 0', async () => {
    const { risk } = engine();
    expect((await start(risk, '192.0.2.1')).after).toEqual({ score: 0, action: 'allow', reasons: [] });
  });

  it('counts starts per IP in the limiter and asks for proof-of-work when the score reaches the band', async () => {
    const { risk } = engine({ bands: [{ min: 25, action: 'proof_of_work' }] });
    let last: RiskDecision | null = null;
    for (let i = 0; i < 11; i += 1) last = (await start(risk, '192.0.2.1', { account: null })).before;
    expect(last).toMatchObject({ action: 'proof_of_work', reasons: [{ reason: 'ip_velocity', detail: { count: 11, threshold: 10 } }] });
  });

  it('counts a /24 together across addresses, and an account across addresses', async () => {
    const { risk } = engine();
    let decision: RiskDecision | null = null;
    for (let i = 0; i < 31; i += 1) decision = (await start(risk, `203.0.113.${i}`)).after;
    const reasons = decision!.reasons.map((r) => r.reason);
    expect(reasons).toContain('subnet_velocity');
    expect(reasons).toContain('account_velocity');
    expect(reasons).not.toContain('ip_velocity');
  });

  it('reads the account failed proofs without counting them', async () => {
    const { risk, limiter } = engine();
    for (let i = 0; i < 3; i += 1) await limiter.consume('proof_failures', 't1:a:k');
    const { after } = await start(risk, '192.0.2.1');
    expect(after.reasons).toEqual([{ reason: 'failed_proofs', points: 25, detail: { count: 3 } }]);
    expect((await limiter.peek('proof_failures', 't1:a:k')).allowed).toBe(true);
    expect((await start(risk, '192.0.2.1')).after.reasons[0]).toMatchObject({ detail: { count: 3 } });
  });

  it('knows the devices of completed resets, and a new one only counts for an account that has known ones', async () => {
    const { risk, keys } = engine();
    const phone = randomBytes(18).toString('base64url');
    expect((await start(risk, '192.0.2.1', { device: phone })).after.reasons).toEqual([]);
    await risk.recordSuccess({ tenantId: 't1', subjectId: 'u1', client: client('192.0.2.1'), device: phone });
    expect((await start(risk, '192.0.2.1', { device: phone })).after.reasons).toEqual([]);
    const laptop = randomBytes(18).toString('base64url');
    expect((await start(risk, '192.0.2.1', { device: laptop })).after.reasons).toEqual([{ reason: 'new_device', points: 15, detail: { knownDevices: 1 } }]);
    expect((await start(risk, '192.0.2.1', {})).after.reasons.map((r) => r.reason)).toEqual(['new_device']);
    // The flow's HMAC (kept from the start) makes a device known just the same.
    await risk.recordSuccess({ tenantId: 't1', subjectId: 'u1', client: client('192.0.2.1'), deviceHash: deviceHash(keys, 't1', 'u1', laptop) });
    expect((await start(risk, '192.0.2.1', { device: laptop })).after.reasons).toEqual([]);
  });

  it('finds impossible travel from the last success, reset or sign-in', async () => {
    const { risk, clock } = engine();
    await risk.recordSuccess({ tenantId: 't1', subjectId: 'u1', client: client('192.0.2.1'), kind: 'sign_in' });
    clock.advance(3600);
    const { after } = await start(risk, '198.51.100.1');
    expect(after.reasons).toEqual([expect.objectContaining({ reason: 'impossible_travel', detail: expect.objectContaining({ from: 'DE', to: 'US' }) })]);
    clock.advance(24 * 3600);
    expect((await start(risk, '198.51.100.1')).after.reasons).toEqual([]);
  });

  it('counts hours only for resets and adds points for a new hour after five', async () => {
    const { risk, clock, history } = engine();
    for (let i = 0; i < 5; i += 1) await risk.recordSuccess({ tenantId: 't1', subjectId: 'u1', client: client('10.0.0.1') });
    await risk.recordSuccess({ tenantId: 't1', subjectId: 'u1', client: client('10.0.0.1'), kind: 'sign_in' });
    const hours = (await history.account('t1', 'u1')).hours;
    expect(hours.reduce((a, b) => a + b, 0)).toBe(5);
    expect((await start(risk, '10.0.0.1')).after.reasons).toEqual([]);
    clock.advance(6 * 3600);
    expect((await start(risk, '10.0.0.1')).after.reasons).toEqual([expect.objectContaining({ reason: 'unusual_hour' })]);
  });

  it('adds reputation, country and attack mode before the lookup', async () => {
    const { risk } = engine({ riskyCountries: ['US'] }, { attack: true, lists: { 'tor@198.51.100': 40 } });
    const { before } = await start(risk, '198.51.100.1');
    expect(before.reasons.map((r) => r.reason)).toEqual(['ip_reputation', 'country', 'attack_mode']);
    expect(before).toMatchObject({ score: 100, action: 'proof_of_work' });
  });

  it('denies with a deny band, and judges members of a group by its rule', async () => {
    const { risk } = engine({ bands: [{ min: 90, action: 'deny' }], rules: [{ groups: ['STAFF'], bands: [{ min: 20, action: 'hold' }] }] }, { lists: { 'bad@198.51.100': 30 } });
    expect((await start(risk, '198.51.100.1')).after.action).toBe('hold');
    expect((await start(risk, '198.51.100.1', { account: { id: 'u2', groups: [] } })).after.action).toBe('allow');
    const { risk: strict } = engine({ bands: [{ min: 30, action: 'deny' }] }, { lists: { 'bad@198.51.100': 30 } });
    expect((await start(strict, '198.51.100.1', { account: null })).after.action).toBe('deny');
  });

  it('does nothing for a tenant that switched it off', async () => {
    const { risk, limiter } = engine({ tenants: { t1: { enabled: false } } }, { attack: true });
    expect((await start(risk, '198.51.100.1')).after).toEqual({ score: 0, action: 'allow', reasons: [] });
    expect((await limiter.peek('risk_ip', '198.51.100.1'))).toMatchObject({ remaining: RISK_BUCKET_POINTS - 1 });
  });
});
