import { describe, expect, it } from 'vitest';
import { SimpleWebAuthnCeremonies } from '../../src/adapters/webauthn/simplewebauthn-ceremonies.js';
import { validateConfig } from '../../src/config/load-config.js';
import { relyingPartyOf } from '../../src/config/webauthn.js';
import { Passkeys } from '../../src/core/methods/webauthn/passkeys.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { ChallengePurpose, ChallengeStore, TakenChallenge } from '../../src/core/ports/challenges.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../../src/core/ports/methods.js';
import type { Store } from '../../src/core/ports/store.js';
import type { RelyingParty } from '../../src/core/ports/webauthn.js';
import { cbor, SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { TestClock } from '../helpers/test-clock.js';

const ORIGIN = 'https://reset.example.org';
const RP: RelyingParty = { id: 'reset.example.org', name: 'Unlatch', origins: [ORIGIN], userVerification: 'required' };
const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'c' };
const ceremonies = new SimpleWebAuthnCeremonies();

describe('the soft authenticator’s CBOR encoder', () => {
  it('encodes the RFC 8949 Appendix A examples it supports', () => {
    const hex = (v: unknown) => cbor(v).toString('hex');
    expect(hex(0)).toBe('00');
    expect(hex(23)).toBe('17');
    expect(hex(24)).toBe('1818');
    expect(hex(500)).toBe('1901f4');
    expect(hex(1000000)).toBe('1a000f4240');
    expect(hex(-1)).toBe('20');
    expect(hex(-100)).toBe('3863');
    expect(hex(Buffer.alloc(0))).toBe('40');
    expect(hex('a')).toBe('6161');
    expect(hex(new Map())).toBe('a0');
    expect(hex(new Map([[1, 2], [3, 4]]))).toBe('a201020304');
  });
});

describe('SimpleWebAuthnCeremonies (the @simplewebauthn/server adapter)', () => {
  const register = async (rp: RelyingParty = RP) => {
    const authenticator = new SoftAuthenticator(ORIGIN, rp.id);
    const challenge = Buffer.alloc(32, 7).toString('base64url');
    const options = await ceremonies.registrationOptions({ rp, challenge, userHandle: Buffer.alloc(32, 1).toString('base64url'), userName: 'a', userDisplayName: 'A', excludeCredentials: [], timeoutMs: 60_000 });
    expect(options.challenge).toBe(challenge);
    const verdict = await ceremonies.verifyRegistration({ rp, response: authenticator.create(options as { challenge: string }), expectedChallenge: challenge });
    if (!verdict.ok) throw new Error(verdict.reason);
    return { authenticator, credential: verdict.credential };
  };
  const assert = async (authenticator: SoftAuthenticator, credential: { credentialId: string; publicKey: string }, overrides = {}, rp: RelyingParty = RP) => {
    const challenge = Buffer.alloc(32, 9).toString('base64url');
    return ceremonies.verifyAuthentication({ rp, response: authenticator.get({ challenge }, overrides), expectedChallenge: challenge, credential });
  };

  it('registers an ES256 credential with attestation none and stores only public material', async () => {
    const { authenticator, credential } = await register();
    expect(credential).toMatchObject({ credentialId: authenticator.id, counter: 0, transports: ['internal'] });
    expect(credential.aaguid).toBeUndefined();
    expect(Buffer.from(credential.publicKey, 'base64url').length).toBeGreaterThan(64);
  });

  it('verifies a good assertion and reports its counter', async () => {
    const { authenticator, credential } = await register();
    expect(await assert(authenticator, credential, { counter: 41 })).toEqual({ ok: true, newCounter: 41, userVerified: true });
  });

  it.each([
    [{ origin: 'https://evil.example' }, 'origin'],
    [{ rpId: 'example.org' }, 'rp_id'],
    [{ userVerified: false }, 'user_verification'],
    [{ userPresent: false }, 'user_presence'],
    [{ type: 'webauthn.create' }, 'type'],
  ])('refuses %j (%s)', async (overrides, reason) => {
    const { authenticator, credential } = await register();
    expect(await assert(authenticator, credential, overrides)).toEqual({ ok: false, reason });
  });

  it('refuses another challenge and another key', async () => {
    const { authenticator, credential } = await register();
    const response = authenticator.get({ challenge: Buffer.alloc(32, 1).toString('base64url') });
    expect(await ceremonies.verifyAuthentication({ rp: RP, response, expectedChallenge: Buffer.alloc(32, 2).toString('base64url'), credential })).toEqual({ ok: false, reason: 'challenge' });
    const other = await register();
    expect((await assert(authenticator, other.credential)).ok).toBe(false);
  });

  it('accepts presence without verification only when the RP prefers (not requires) it', async () => {
    const preferred: RelyingParty = { ...RP, userVerification: 'preferred' };
    const { authenticator, credential } = await register(preferred);
    expect(await assert(authenticator, credential, { userVerified: false }, preferred)).toMatchObject({ ok: true, userVerified: false });
  });
});

/** In-memory challenge store with the port's rules (single use, expiry, newest replaces older). */
class MemoryChallenges implements ChallengeStore {
  readonly rows = new Map<string, { challenge: string; context: Record<string, unknown>; expiresAt: Date }>();
  async issue(input: { purpose: ChallengePurpose; owner: string; challenge: string; context?: Record<string, unknown>; expiresAt: Date }): Promise<void> {
    this.rows.set(`${input.purpose}:${input.owner}`, { challenge: input.challenge, context: input.context ?? {}, expiresAt: input.expiresAt });
  }
  async take(purpose: ChallengePurpose, owner: string, now: Date): Promise<TakenChallenge | null> {
    const row = this.rows.get(`${purpose}:${owner}`);
    this.rows.delete(`${purpose}:${owner}`);
    return row && row.expiresAt > now ? { challenge: row.challenge, context: row.context } : null;
  }
}

describe('Passkeys (core rules around the ceremonies)', () => {
  const account: DirectoryAccount = { id: 'u1', tenantId: 't', username: 'alice', email: 'alice@example.com', groups: [], enabled: true, locked: false };
  const setup = async () => {
    const clock = new TestClock();
    const challenges = new MemoryChallenges();
    const methods: RegisteredMethod[] = [];
    const audit: AuditEntryInput[] = [];
    const repo = {
      listForSubject: async () => methods,
      recordTotpStep: async (_t: string, id: string, step: number) => {
        const m = methods.find((x) => x.id === id)!;
        if (m.lastUsedStep !== null && m.lastUsedStep >= step) return false;
        m.lastUsedStep = step;
        return true;
      },
    } as unknown as MethodRepository;
    const store = { transaction: async (work: (tx: unknown) => Promise<unknown>) => work({ audit: { append: async (e: AuditEntryInput) => void audit.push(e) } }) } as unknown as Store;
    const passkeys = new Passkeys({ ceremonies, challenges, methods: repo, store, clock, settings: { rp: RP, challengeTtlSeconds: 300 } });
    const authenticator = new SoftAuthenticator(ORIGIN, RP.id);
    const options = await passkeys.registrationOptions(account, 'session-hash', 'Key');
    const registered = await passkeys.verifyRegistration(account, 'session-hash', authenticator.create(options as { challenge: string; user: { id: string } }));
    if (!registered.ok) throw new Error(registered.reason);
    expect(registered.name).toBe('Key');
    methods.push({ id: 'm1', tenantId: 't', subjectId: 'u1', kind: 'webauthn', name: 'Key', data: { ...registered.credential }, confirmed: true, lastUsedStep: null, createdAt: new Date(), lastUsedAt: null, usedAt: null });
    const prove = async (overrides = {}, who: DirectoryAccount | null = account) => {
      const opts = await passkeys.authenticationOptions('reset', 'flow-1', []);
      return passkeys.verifyAssertion({ purpose: 'reset', owner: 'flow-1', account: who, response: authenticator.get(opts as { challenge: string }, overrides), client, flowId: 'flow-1' });
    };
    return { passkeys, authenticator, challenges, methods, audit, clock, prove };
  };

  it('binds the registration challenge to the session and spends it', async () => {
    const { passkeys, authenticator } = await setup();
    const options = await passkeys.registrationOptions(account, 'session-hash', null);
    expect(await passkeys.verifyRegistration(account, 'other-session', authenticator.create(options as { challenge: string }))).toEqual({ ok: false, reason: 'challenge' });
    // Taken by the failed attempt above? No: another owner's take does not touch this one.
    const response = new SoftAuthenticator(ORIGIN, RP.id).create(options as { challenge: string });
    expect((await passkeys.verifyRegistration(account, 'session-hash', response)).ok).toBe(true);
    expect(await passkeys.verifyRegistration(account, 'session-hash', response)).toEqual({ ok: false, reason: 'challenge' });
  });

  it('refuses registering the same authenticator twice', async () => {
    const { passkeys, authenticator } = await setup();
    const options = await passkeys.registrationOptions(account, 'session-hash', null);
    expect((options.excludeCredentials as Array<{ id: string }>).map((c) => c.id)).toEqual([authenticator.id]);
    expect(await passkeys.verifyRegistration(account, 'session-hash', authenticator.create(options as { challenge: string }))).toEqual({ ok: false, reason: 'duplicate' });
  });

  it('keeps the counter strictly increasing and audits a suspected clone', async () => {
    const { prove, audit, methods } = await setup();
    expect(await prove({ counter: 3 })).toEqual({ ok: true, methodId: 'm1' });
    expect(methods[0]!.lastUsedStep).toBe(3);
    expect(await prove({ counter: 3 })).toEqual({ ok: false, reason: 'cloned' });
    expect(await prove({ counter: 0 })).toEqual({ ok: false, reason: 'cloned' });
    expect(audit.map((e) => [e.event, e.outcome, e.flowId])).toEqual([
      ['method.passkey_clone_suspected', 'denied', 'flow-1'],
      ['method.passkey_clone_suspected', 'denied', 'flow-1'],
    ]);
    expect(await prove({ counter: 4 })).toEqual({ ok: true, methodId: 'm1' });
  });

  it('accepts a counter that stays 0 (authenticators without one)', async () => {
    const { prove } = await setup();
    expect((await prove({ counter: 0 })).ok).toBe(true);
    expect((await prove({ counter: 0 })).ok).toBe(true);
  });

  it('refuses decoys, other people’s credentials, a mismatched user handle and expired or missing challenges', async () => {
    const { prove, passkeys, clock, authenticator } = await setup();
    expect(await prove({}, null)).toEqual({ ok: false, reason: 'not_registered' });
    const stranger = new SoftAuthenticator(ORIGIN, RP.id);
    const opts = await passkeys.authenticationOptions('reset', 'flow-1', []);
    expect(await passkeys.verifyAssertion({ purpose: 'reset', owner: 'flow-1', account, response: stranger.get(opts as { challenge: string }), client, flowId: null })).toEqual({ ok: false, reason: 'unknown_credential' });
    expect(await prove({ userHandle: Buffer.alloc(32, 5).toString('base64url') })).toEqual({ ok: false, reason: 'user_handle' });
    const answer = (options: unknown, purpose: 'reset' | 'signin' = 'reset') =>
      passkeys.verifyAssertion({ purpose, owner: 'flow-1', account, response: authenticator.get(options as { challenge: string }), client, flowId: null });
    const late = await passkeys.authenticationOptions('reset', 'flow-1', []);
    clock.advance(300);
    expect(await answer(late)).toEqual({ ok: false, reason: 'challenge' });
    // A sign-in challenge never answers for a reset (nor for another owner).
    const signin = await passkeys.authenticationOptions('signin', 'flow-1', []);
    expect(await answer(signin)).toEqual({ ok: false, reason: 'challenge' });
    expect(await answer(signin, 'signin')).toMatchObject({ ok: true });
    expect(await prove()).toMatchObject({ ok: true });
  });
});

describe('webauthn configuration', () => {
  const config = (raw: Record<string, unknown>) => validateConfig({ mode: 'dev', ...raw });

  it('derives the RP ID and origin from publicUrl', () => {
    expect(relyingPartyOf(config({ publicUrl: 'https://reset.example.org/' }))).toEqual({
      id: 'reset.example.org',
      name: 'Unlatch',
      origins: ['https://reset.example.org'],
      userVerification: 'required',
    });
  });

  it('accepts a parent domain as RP ID and several origins', () => {
    const rp = relyingPartyOf(config({ publicUrl: 'https://reset.example.org', webauthn: { rpId: 'example.org', origins: ['https://reset.example.org', 'https://id.example.org:8443/'] } }));
    expect(rp.origins).toEqual(['https://reset.example.org', 'https://id.example.org:8443']);
  });

  it('refuses an RP ID that does not cover every origin, and unknown keys', () => {
    expect(() => relyingPartyOf(config({ publicUrl: 'https://reset.example.org', webauthn: { rpId: 'other.org' } }))).toThrow(/webauthn\.rpId/);
    expect(() => relyingPartyOf(config({ publicUrl: 'https://reset.example.org', webauthn: { rpId: 'ample.org' } }))).toThrow(/webauthn\.rpId/);
    expect(() => config({ webauthn: { rpid: 'x' } })).toThrow(/webauthn/);
    expect(() => config({ webauthn: { userVerification: 'discouraged' } })).toThrow(/webauthn\.userVerification/);
  });
});
