import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDirectoryRouter } from '../../src/adapters/directory/build-directories.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { ConfigTenants } from '../../src/adapters/tenants/config-tenants.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { hashHandle } from '../../src/core/crypto/secrets.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { PolicySimulator, type PersonSimulation } from '../../src/core/policy/policy-simulator.js';
import type { MethodKind } from '../../src/core/ports/methods.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { useLdapApp } from '../helpers/ldap-app.js';
import { shouldRun } from '../helpers/services.js';
import { slapdAvailable } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-simulate' };

/** The simulator wired as the server wires the reset flow: the same directories, method store, tenants and policy. */
async function simulatorOf(t: TestApp): Promise<PolicySimulator> {
  const db = t.app.database.db;
  return new PolicySimulator({
    directory: await buildDirectoryRouter(t.config, { db, hasher: t.app.hasher, clock: t.clock }),
    methods: new SqlMethodRepository(db, new Sealer(t.app.keys, 'totp-seal')),
    tenants: new ConfigTenants(t.config.tenants, t.config.defaultTenant!),
    policyFor: t.app.policyFor,
    channels: { sms: t.app.sms !== null, questions: true },
  });
}

/** What a real start did, as only the server can tell: a decoy start answers exactly like a real one. */
interface RealStart {
  flowId: string;
  decoy: boolean;
  /** `details.reason` of the flow's `reset.started` entry (decoys only). */
  auditReason: string | null;
  /** What the first step lists. */
  shown: MethodKind[];
}

async function realStart(t: TestApp, identifier: string): Promise<RealStart> {
  const res = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } });
  expect(res.statusCode, res.body).toBe(202);
  const { flowId } = res.json<{ flowId: string }>();
  const flow = (await t.app.store.flows.findByHandleHash(hashHandle(flowId)))!;
  const entry = await t.app.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('event', '=', 'reset.started').where('flow_id', '=', flow.id).executeTakeFirstOrThrow();
  expect(entry.outcome).toBe(flow.decoy ? 'decoy' : 'success');
  const view = (await t.server.inject({ method: 'GET', url: `/api/v1/reset/${flowId}` })).json<{ methods: { method: MethodKind }[] }>();
  return { flowId, decoy: flow.decoy, auditReason: (JSON.parse(entry.details) as { reason?: string }).reason ?? null, shown: view.methods.map((m) => m.method) };
}

/** Presents one real first proof and says what came of it: done, or the kinds the second step offers. */
async function realFirstProof(t: TestApp, flowId: string, body: Record<string, string>): Promise<{ complete: boolean; offered: MethodKind[] }> {
  const res = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const answer = res.json<{ next: string; methods?: { method: MethodKind }[] }>();
  return { complete: answer.next === 'set_password', offered: [...new Set((answer.methods ?? []).map((m) => m.method))] };
}

/** The start agrees: real or decoy, the audited reason, and the first step's list. */
async function expectStartAgrees(t: TestApp, sim: PersonSimulation, identifier: string): Promise<RealStart> {
  const real = await realStart(t, identifier);
  expect({ decoy: real.decoy, reason: real.auditReason, shown: real.shown }).toEqual({ decoy: sim.outcome === 'decoy', reason: sim.refusal, shown: sim.methodsShown });
  return real;
}

describe('policy simulate agrees with a real reset (built-in store)', () => {
  let t: TestApp;
  let simulator: PolicySimulator;
  const totpSecrets = new Map<string, string>();
  const backupCodes = new Map<string, string[]>();

  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        policy: {
          tenants: {
            demo: {
              excludedGroups: ['admins', 'service-accounts', 'Domain Admins'],
              serviceAccounts: { groups: ['svc'] },
              rules: [
                { groups: ['it-staff'], requiredMethods: 2, requireStrong: true, allowedMethods: ['webauthn', 'totp', 'email_code', 'email_link'] },
                { groups: ['contractors'], ssprEnabled: false },
                { groups: ['lab'], requireStrong: true },
              ],
            },
          },
        },
      },
    });
    simulator = await simulatorOf(t);
    const now = t.clock.now();
    const add = (username: string, groups: string[], extra: { email?: string | null; enabled?: boolean } = {}) =>
      t.app.users.insert({ tenantId: 'demo', username, email: extra.email === undefined ? `${username}@example.com` : extra.email, groups, enabled: extra.enabled ?? true }, now);
    await add('dina', ['staff']);
    await add('root-anna', ['domain admins']);
    await add('carl', ['Contractors']);
    await add('erin', ['staff'], { enabled: false });
    await add('nomail', ['staff'], { email: null });
    await add('ivan', ['it-staff']);
    await add('tara', ['it-staff']);
    await add('paula', ['lab']);
    const tara = await t.accountOf('tara');
    const enrollment = await t.app.methodRegistration.beginTotp({ account: tara, name: 'Pixel', client });
    await t.app.methodRegistration.finishTotp({ account: tara, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t.clock.now().getTime()), client });
    totpSecrets.set('tara', enrollment.secret);
    backupCodes.set('paula', (await t.app.methodRegistration.regenerateBackupCodes({ account: await t.accountOf('paula'), client })).codes);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Each first proof the simulation lists, presented for real in a fresh flow. */
  async function expectEveryPathAgrees(username: string, sim: PersonSimulation): Promise<void> {
    expect(sim.secondSteps.map((s) => s.after)).toEqual(sim.methodsOffered);
    for (const step of sim.secondSteps) {
      const { flowId } = await realStart(t, username);
      let proof: Record<string, string>;
      if (step.after === 'email_code') proof = { method: 'email_code', code: await t.codeFor(`${username}@example.com`) };
      else if (step.after === 'email_link') proof = { method: 'email_link', token: (await t.linkTokenFor(`${username}@example.com`))! };
      else if (step.after === 'totp') {
        t.clock.advance(30);
        proof = { method: 'totp', code: totpAt(totpSecrets.get(username)!, t.clock.now().getTime()) };
      } else if (step.after === 'backup_code') proof = { method: 'backup_code', code: backupCodes.get(username)!.shift()! };
      else throw new Error(`no way to present ${step.after} in this test`);
      expect(await realFirstProof(t, flowId, proof), `${username}, first proof ${step.after}`).toEqual({ complete: step.complete, offered: step.offered });
    }
  }

  it('decoys: excluded, SSPR off by a rule, disabled, no mailbox, unknown: the same reason the start audits', async () => {
    const expected: Record<string, string[]> = {
      'root-anna': ['excluded_group:Domain Admins'],
      carl: ['sspr_disabled_by_rule:1'],
      erin: ['disabled'],
      nomail: ['no_mailbox'],
      'nobody-here': ['unknown_person'],
    };
    for (const [identifier, reasons] of Object.entries(expected)) {
      const sim = await simulator.simulate({ tenantId: 'demo', identifier });
      expect(sim.outcome, identifier).toBe('decoy');
      expect(sim.reasons, identifier).toEqual(reasons);
      await expectStartAgrees(t, sim, identifier);
    }
    expect((await simulator.simulate({ tenantId: 'demo', identifier: 'nobody-here' })).account).toBeNull();
  });

  it('a plain person: allowed, one proof; the emailed code or link alone completes, as for real', async () => {
    // Found by address too, normalized as a reset normalizes it.
    const sim = await simulator.simulate({ tenantId: 'demo', identifier: '  DINA@example.com ' });
    expect(sim).toMatchObject({ outcome: 'allowed', identifier: 'dina@example.com', proofsNeeded: 1, methodsOffered: ['email_code', 'email_link'], canComplete: true });
    expect(sim.account).toMatchObject({ username: 'dina', groups: ['staff'], enabled: true, locked: false });
    await expectStartAgrees(t, sim, 'dina');
    await expectEveryPathAgrees('dina', sim);
  });

  it('two proofs with a strong one, and only email: allowed, but the second step offers nothing, as for real', async () => {
    const sim = await simulator.simulate({ tenantId: 'demo', identifier: 'ivan' });
    expect(sim).toMatchObject({ outcome: 'allowed', proofsNeeded: 2, strongRequired: true, canComplete: false, reasons: ['matched_rule:0', 'cannot_complete'] });
    await expectStartAgrees(t, sim, 'ivan');
    await expectEveryPathAgrees('ivan', sim);
  });

  it('two proofs with email and an authenticator app: each order offers the other, as for real', async () => {
    const sim = await simulator.simulate({ tenantId: 'demo', identifier: 'tara' });
    expect(sim).toMatchObject({ outcome: 'allowed', proofsNeeded: 2, canComplete: true, methodsOffered: ['email_code', 'email_link', 'totp'], methodsCounting: ['email_code', 'email_link', 'totp'] });
    expect(sim.secondSteps.find((s) => s.after === 'totp')).toEqual({ after: 'totp', complete: false, offered: ['email_code'] });
    await expectStartAgrees(t, sim, 'tara');
    await expectEveryPathAgrees('tara', sim);
  });

  it('a strong proof required and only weak methods (email, backup codes): no path completes, as for real', async () => {
    const sim = await simulator.simulate({ tenantId: 'demo', identifier: 'paula' });
    expect(sim).toMatchObject({ outcome: 'allowed', proofsNeeded: 1, strongRequired: true, canComplete: false, methodsOffered: ['email_code', 'email_link', 'backup_code'] });
    expect(sim.secondSteps.every((s) => !s.complete && s.offered.length === 0)).toBe(true);
    await expectStartAgrees(t, sim, 'paula');
    await expectEveryPathAgrees('paula', sim);
  });

  it('groups alone decide like the person: excluded and disabled groups are decoys, a rule is named', async () => {
    expect(simulator.simulateGroups({ tenantId: 'demo', groups: ['DOMAIN ADMINS'] })).toMatchObject({ outcome: 'decoy', refusal: 'excluded' });
    expect(simulator.simulateGroups({ tenantId: 'demo', groups: ['contractors', 'contractors '] })).toMatchObject({ outcome: 'decoy', refusal: 'sspr_disabled' });
    expect(simulator.simulateGroups({ tenantId: 'demo', groups: ['it-staff'] })).toMatchObject({ outcome: 'allowed', proofsNeeded: 2, matchedRule: { index: 0 } });
  });

  it('refuses an unknown tenant and a blank identifier with typed errors; nothing starts', async () => {
    await expect(simulator.simulate({ tenantId: 'nosuch', identifier: 'dina' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(simulator.simulate({ tenantId: 'demo', identifier: '   ' })).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'identifier' } });
    expect(() => simulator.simulateGroups({ tenantId: 'demo', groups: [' '] })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});

/** With LDAP the groups are the directory's: the simulation must read them as the reset does. */
describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('policy simulate agrees with a real reset (real slapd, LDAP groups)', () => {
  const ldap = useLdapApp({ overrides: { policy: { tenants: { demo: { rules: [{ groups: ['Staff'], requiredMethods: 2 }] } } } } });

  it('alice (LDAP group admins) is a decoy, bob (staff) needs two proofs, erin one; carol is disabled', async () => {
    const { t } = ldap;
    const simulator = await simulatorOf(t);
    const people = DIRECTORY_PEOPLE;
    const alice = await simulator.simulate({ tenantId: 'demo', identifier: people.alice.username });
    expect(alice).toMatchObject({ outcome: 'decoy', reasons: ['excluded_group:admins'] });
    expect(alice.account?.groups.map((g) => g.toLowerCase()).sort()).toEqual(['admins', 'staff']);
    await expectStartAgrees(t, alice, people.alice.username);

    const carol = await simulator.simulate({ tenantId: 'demo', identifier: people.carol.username });
    expect(carol).toMatchObject({ outcome: 'decoy', refusal: 'disabled' });
    await expectStartAgrees(t, carol, people.carol.username);

    for (const person of [people.bob, people.erin]) {
      const sim = await simulator.simulate({ tenantId: 'demo', identifier: person.username });
      expect(sim.outcome).toBe('allowed');
      const real = await expectStartAgrees(t, sim, person.username);
      const step = sim.secondSteps.find((s) => s.after === 'email_code')!;
      expect(await realFirstProof(t, real.flowId, { method: 'email_code', code: await t.codeFor(person.email) }), person.username).toEqual({ complete: step.complete, offered: step.offered });
    }
    expect((await simulator.simulate({ tenantId: 'demo', identifier: people.bob.username })).proofsNeeded).toBe(2);
  });
});
