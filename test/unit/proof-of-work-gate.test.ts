import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { UnlatchError } from '../../src/core/errors.js';
import { ProofOfWorkGateService, proofOfWorkRequired, type ProofOfWorkChallenges } from '../../src/core/risk/proof-of-work-gate.js';
import { checkWaitTicket, issueWaitTicket } from '../../src/core/risk/proof-of-work-ticket.js';
import type { RiskAction, RiskDecision } from '../../src/core/risk/risk-types.js';

const decision = (action: RiskAction): RiskDecision => ({ score: 0, action, reasons: [] });
const keys = new KeyRing([{ id: 'k1', secret: Buffer.alloc(32, 7) }]);
const timing = { waitSeconds: 10, expiresSeconds: 120 };
const client = { ip: '192.0.2.1', userAgent: 'test', correlationId: 'c' };

describe('proofOfWorkRequired', () => {
  it.each([
    ['always', false, 'allow', true],
    ['never', false, 'deny', false],
    ['risk', false, 'allow', false],
    ['risk', false, 'proof_of_work', true],
    ['risk', false, 'step_up', true],
    ['risk', false, 'deny', true],
    ['never', true, 'allow', true],
    ['risk', true, 'allow', true],
  ] as const)('mode %s, attack mode %s, decision %s → %s', (mode, attackMode, action, required) => {
    expect(proofOfWorkRequired({ mode, attackMode, before: decision(action) })).toBe(required);
  });

  it('without a decision (the page\'s GET), risk asks nothing', () => {
    expect(proofOfWorkRequired({ mode: 'risk', attackMode: false })).toBe(false);
  });
});

describe('wait tickets', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const ticket = issueWaitTicket(keys, { tenantId: 'demo', ip: client.ip, now });

  it('is early before the wait, ready after it, invalid after it expires', () => {
    expect(checkWaitTicket(keys, ticket, { tenantId: 'demo', ip: client.ip, now: at(4) }, timing)).toEqual({ kind: 'early', remainingSeconds: 6 });
    expect(checkWaitTicket(keys, ticket, { tenantId: 'demo', ip: client.ip, now: at(10) }, timing)).toMatchObject({ kind: 'ready' });
    expect(checkWaitTicket(keys, ticket, { tenantId: 'demo', ip: client.ip, now: at(130) }, timing)).toEqual({ kind: 'invalid' });
  });

  it('is bound to its tenant, its address and its MAC', () => {
    expect(checkWaitTicket(keys, ticket, { tenantId: 'other', ip: client.ip, now: at(10) }, timing).kind).toBe('invalid');
    expect(checkWaitTicket(keys, ticket, { tenantId: 'demo', ip: '192.0.2.2', now: at(10) }, timing).kind).toBe('invalid');
    const other = new KeyRing([{ id: 'k1', secret: Buffer.alloc(32, 8) }]);
    expect(checkWaitTicket(other, ticket, { tenantId: 'demo', ip: client.ip, now: at(10) }, timing).kind).toBe('invalid');
    expect(checkWaitTicket(keys, `${ticket}0`, { tenantId: 'demo', ip: client.ip, now: at(10) }, timing).kind).toBe('invalid');
  });
});

describe('ProofOfWorkGateService', () => {
  const challenges: ProofOfWorkChallenges = {
    create: async () => ({ parameters: { salt: 'x' } }),
    verify: async (_tenant, payload) => (payload === 'good' ? { id: 'salt-1', expiresAt: new Date(Date.now() + 60_000) } : null),
  };
  const gate = (mode: 'always' | 'never' | 'risk', spent = new Set<string>()) =>
    new ProofOfWorkGateService({
      challenges, keys, timing, clock: { now: () => new Date() }, modeFor: () => mode,
      spent: { spend: async (id) => (spent.has(id) ? false : (spent.add(id), true)) },
    });
  const refusal = async (promise: Promise<void>) => promise.then(() => null, (e: unknown) => e as UnlatchError);

  it('lets a start through when none is needed, and a good solution once', async () => {
    await expect(gate('never').check({ tenantId: 'demo', client, before: decision('allow') })).resolves.toBeUndefined();
    const g = gate('always');
    await expect(g.check({ tenantId: 'demo', client, before: decision('allow'), solution: 'good' })).resolves.toBeUndefined();
    const replay = await refusal(g.check({ tenantId: 'demo', client, before: decision('allow'), solution: 'good' }));
    expect(replay?.code).toBe('proof_of_work_required');
  });

  it('refuses a missing or wrong proof with a fresh offer in the details', async () => {
    for (const solution of [undefined, 'bad']) {
      const error = await refusal(gate('always').check({ tenantId: 'demo', client, before: decision('allow'), solution }));
      expect(error?.code).toBe('proof_of_work_required');
      expect(error?.details).toMatchObject({ challenge: { parameters: { salt: 'x' } }, waitSeconds: 10 });
      expect(String(error?.details.waitTicket)).toMatch(/^w1\.k1\./);
    }
  });

  it('refuses an unproven start early only while every start needs a proof; one carrying a proof goes on to the full check', async () => {
    const counted: string[] = [];
    const early = (mode: 'always' | 'never' | 'risk') =>
      new ProofOfWorkGateService({
        challenges, keys, timing, clock: { now: () => new Date() }, modeFor: () => mode,
        spent: { spend: async () => true }, starts: { countStart: (tenant) => counted.push(tenant) },
      });
    const error = await refusal(early('always').refuseUnproven({ tenantId: 'demo', client }));
    expect(error?.code).toBe('proof_of_work_required');
    expect(error?.details).toMatchObject({ challenge: { parameters: { salt: 'x' } }, waitSeconds: 10 });
    expect(counted).toEqual(['demo']); // attack mode still sees the refused start
    // `risk` and `never` decide after the risk engine; a proof or a ticket is checked by `check`.
    for (const mode of ['risk', 'never'] as const) await expect(early(mode).refuseUnproven({ tenantId: 'demo', client })).resolves.toBeUndefined();
    await expect(early('always').refuseUnproven({ tenantId: 'demo', client, solution: 'bad' })).resolves.toBeUndefined();
    await expect(early('always').refuseUnproven({ tenantId: 'demo', client, waitTicket: 'w1.x' })).resolves.toBeUndefined();
    expect(counted).toEqual(['demo']);
  });
});

describe('handing out challenges under a flood', () => {
  it('hands one address the same unsolved challenge for a few seconds, others their own, and a fresh one after a solve', async () => {
    let made = 0;
    let now = new Date('2026-12-07T10:00:00Z');
    const challenges: ProofOfWorkChallenges = {
      create: async () => ({ parameters: { salt: `s${(made += 1)}` } }),
      verify: async (_tenant, payload) => (payload === 'good' ? { id: `solved-${made}`, expiresAt: new Date(now.getTime() + 60_000) } : null),
    };
    const gate = new ProofOfWorkGateService({
      challenges, keys, timing, clock: { now: () => now }, modeFor: () => 'always', spent: { spend: async () => true },
    });
    const offered = async (ip: string, solution?: string) => {
      try {
        await gate.check({ tenantId: 'demo', client: { ...client, ip }, before: decision('allow'), solution });
        return null;
      } catch (error) {
        return ((error as UnlatchError).details as { challenge: { parameters: { salt: string } } }).challenge.parameters.salt;
      }
    };
    expect(await offered('192.0.2.1')).toBe('s1');
    expect(await offered('192.0.2.1')).toBe('s1');
    expect(await offered('192.0.2.2')).toBe('s2');
    expect(made).toBe(2);
    now = new Date(now.getTime() + 6_000);
    expect(await offered('192.0.2.1')).toBe('s3');
    // A solved challenge is not handed out again: the next start from the address gets a new one.
    expect(await offered('192.0.2.1', 'good')).toBeNull();
    expect(await offered('192.0.2.1')).toBe('s4');
  });
});
