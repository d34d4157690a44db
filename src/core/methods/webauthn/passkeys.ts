import { randomBytes } from 'node:crypto';
import { selfEntry } from '../../audit/self-entry.js';
import type { ChallengePurpose, ChallengeStore } from '../../ports/challenges.js';
import type { ClientInfo } from '../../ports/client-info.js';
import type { Clock } from '../../ports/clock.js';
import type { DirectoryAccount } from '../../ports/directory.js';
import type { MethodRepository, RegisteredMethod } from '../../ports/methods.js';
import type { Store } from '../../ports/store.js';
import type { RelyingParty, StoredCredential, WebAuthnCeremonies, WebAuthnOptionsJson, WebAuthnResponseJson } from '../../ports/webauthn.js';

/** How passkeys are offered and checked. */
export interface PasskeySettings {
  rp: RelyingParty;
  /** How long a challenge can be answered (also the `timeout` hint given to the browser). */
  challengeTtlSeconds: number;
}

export interface PasskeyDeps {
  ceremonies: WebAuthnCeremonies;
  challenges: ChallengeStore;
  methods: MethodRepository;
  store: Store;
  clock: Clock;
  settings: PasskeySettings;
}

/** What a stored passkey's `data` holds: public material only, never anything secret. */
export interface PasskeyData extends StoredCredential {
  /** The opaque WebAuthn `user.id` the credential was made for (random, the same for all of a person's passkeys). */
  userHandle: string;
}

export type PasskeyRegistration = { ok: true; credential: PasskeyData; name: string | null } | { ok: false; reason: string };

/**
 * Why an assertion was refused (for the audit log; callers answer every one of them alike):
 * `challenge` none live for this owner (never issued, already used, or expired); `not_registered` the
 * person has no passkey that may be used (or the flow is a decoy); `unknown_credential` the credential is
 * not one of this person's; `cloned` the signature counter did not increase; others from the ceremony
 * (`origin`, `rp_id`, `user_verification`, `signature`, …).
 */
export type PasskeyProof = { ok: true; methodId: string } | { ok: false; reason: string };

const USER_HANDLE_BYTES = 32;
const CHALLENGE_BYTES = 32;

/**
 * Passkeys and security keys (WebAuthn): the challenge bookkeeping and the rules around the ceremonies
 * that the {@link WebAuthnCeremonies} port performs.
 *
 * Security notes:
 * - Challenges are 256 bits from the CSPRNG, stored bound to one owner and one purpose, live for
 *   `challengeTtlSeconds`, and are taken (deleted) before anything else is checked: every answer, good or
 *   bad, spends its challenge, so an assertion can never be replayed and a failed attempt cannot be retried
 *   against the same challenge.
 * - Origin and RP ID are the configured ones, never taken from the request. User verification is
 *   required unless the configuration lowers it to `preferred`.
 * - The credential must be one of the person's own: the flow's person is known before the assertion is
 *   read, and the credential id is looked up among their passkeys only.
 * - Signature counter: judged here, after the signature proved the assertion genuine. When either the
 *   stored or the new counter is non-zero, the new one must be larger; otherwise the authenticator may
 *   have been cloned, the assertion is refused and `method.passkey_clone_suspected` is audited. The
 *   newest counter is kept in the method's `lastUsedStep` through the repository's atomic "only if larger"
 *   update (the one TOTP steps use), so two requests cannot both pass with the same counter; `data.counter`
 *   keeps the value seen at registration. Authenticators that always report 0 (many synced passkeys) are
 *   accepted: for them replay protection rests on the single-use challenge.
 */
export class Passkeys {
  constructor(private readonly deps: PasskeyDeps) {}

  /** Options for `navigator.credentials.create()`; the challenge is bound to `owner` (the session's token hash). */
  async registrationOptions(account: DirectoryAccount, owner: string, name: string | null): Promise<WebAuthnOptionsJson> {
    const mine = await this.passkeysOf(account);
    const userHandle = mine.map((m) => dataOf(m).userHandle).find((h) => typeof h === 'string' && h.length > 0) ?? randomBytes(USER_HANDLE_BYTES).toString('base64url');
    const challenge = await this.issue('register', owner, { userHandle, ...(name ? { name } : {}) });
    return this.deps.ceremonies.registrationOptions({
      rp: this.deps.settings.rp,
      challenge,
      userHandle,
      userName: account.email ?? account.username,
      userDisplayName: account.displayName ?? account.username,
      // Already-registered authenticators are excluded, so one device is not registered twice.
      excludeCredentials: mine.map((m) => ({ id: dataOf(m).credentialId, transports: dataOf(m).transports })),
      timeoutMs: this.deps.settings.challengeTtlSeconds * 1000,
    });
  }

  /** Checks a registration response against the challenge of `owner` (spent either way). Stores nothing. */
  async verifyRegistration(account: DirectoryAccount, owner: string, response: WebAuthnResponseJson): Promise<PasskeyRegistration> {
    const taken = await this.deps.challenges.take('register', owner, this.deps.clock.now());
    if (!taken) return { ok: false, reason: 'challenge' };
    const verdict = await this.deps.ceremonies.verifyRegistration({ rp: this.deps.settings.rp, response, expectedChallenge: taken.challenge });
    if (!verdict.ok) return verdict;
    // The same authenticator twice would be two "methods" that are one device.
    if ((await this.passkeysOf(account)).some((m) => dataOf(m).credentialId === verdict.credential.credentialId)) return { ok: false, reason: 'duplicate' };
    const userHandle = typeof taken.context.userHandle === 'string' ? taken.context.userHandle : randomBytes(USER_HANDLE_BYTES).toString('base64url');
    return { ok: true, credential: { ...verdict.credential, userHandle }, name: typeof taken.context.name === 'string' ? taken.context.name : null };
  }

  /**
   * Options for `navigator.credentials.get()` with a fresh challenge bound to `owner`.
   * `allowCredentials` is whatever the caller passes: the reset flow passes none (discoverable credentials),
   * so the answer looks the same for every account, with passkeys or without, real or decoy.
   */
  async authenticationOptions(purpose: Exclude<ChallengePurpose, 'register'>, owner: string, allow: RegisteredMethod[]): Promise<WebAuthnOptionsJson> {
    const challenge = await this.issue(purpose, owner, {});
    return this.deps.ceremonies.authenticationOptions({
      rp: this.deps.settings.rp,
      challenge,
      allowCredentials: allow.map((m) => ({ id: dataOf(m).credentialId, transports: dataOf(m).transports })),
      timeoutMs: this.deps.settings.challengeTtlSeconds * 1000,
    });
  }

  /**
   * Checks an assertion for `account` (null: a decoy flow, or a person who may not use passkeys here —
   * the work is comparable and the answer the same). The challenge of `owner` is spent first, whatever
   * follows. A suspected clone is audited here, with `flowId` when there is one.
   */
  async verifyAssertion(input: {
    purpose: Exclude<ChallengePurpose, 'register'>;
    owner: string;
    account: DirectoryAccount | null;
    response: WebAuthnResponseJson;
    client: ClientInfo;
    flowId: string | null;
  }): Promise<PasskeyProof> {
    const { ceremonies, methods, clock, settings } = this.deps;
    const taken = await this.deps.challenges.take(input.purpose, input.owner, clock.now());
    const mine = input.account ? await this.passkeysOf(input.account) : [];
    const id = typeof input.response.id === 'string' ? input.response.id : '';
    const method = mine.find((m) => dataOf(m).credentialId === id);
    const refuse = async (reason: string): Promise<PasskeyProof> => {
      await ceremonies.spendEquivalentTime(input.response);
      return { ok: false, reason };
    };
    if (!input.account || mine.length === 0) return refuse('not_registered');
    if (!method) return refuse('unknown_credential');
    if (!taken) return refuse('challenge');
    const data = dataOf(method);
    // A discoverable credential names its user; it must be the handle this passkey was made for.
    const inner = (input.response.response ?? {}) as Record<string, unknown>;
    if (typeof inner.userHandle === 'string' && inner.userHandle !== '' && data.userHandle && inner.userHandle !== data.userHandle) return refuse('user_handle');

    const verdict = await ceremonies.verifyAuthentication({ rp: settings.rp, response: input.response, expectedChallenge: taken.challenge, credential: data });
    if (!verdict.ok) return verdict;

    const stored = method.lastUsedStep ?? Number(data.counter ?? 0);
    const now = clock.now();
    const regressed = (verdict.newCounter > 0 || stored > 0) && verdict.newCounter <= stored;
    // Only-if-larger, atomically: a concurrent request with the same counter loses here.
    const recorded = regressed ? false : verdict.newCounter === 0 || (await methods.recordTotpStep(input.account.tenantId, method.id, verdict.newCounter, now));
    if (!recorded) {
      await this.deps.store.transaction((tx) =>
        tx.audit.append(
          selfEntry('method.passkey_clone_suspected', 'denied', input.account!.tenantId, input.account!.id, input.flowId, input.client, {
            kind: 'webauthn',
            methodId: method.id,
            storedCounter: stored,
            presentedCounter: verdict.newCounter,
          }),
        ),
      );
      return { ok: false, reason: 'cloned' };
    }
    return { ok: true, methodId: method.id };
  }

  /** The person's confirmed passkeys. */
  async passkeysOf(account: DirectoryAccount): Promise<RegisteredMethod[]> {
    return (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'webauthn' && m.confirmed);
  }

  private async issue(purpose: ChallengePurpose, owner: string, context: Record<string, unknown>): Promise<string> {
    const now = this.deps.clock.now();
    const challenge = randomBytes(CHALLENGE_BYTES).toString('base64url');
    await this.deps.challenges.issue({ purpose, owner, challenge, context, expiresAt: new Date(now.getTime() + this.deps.settings.challengeTtlSeconds * 1000) }, now);
    return challenge;
  }
}

function dataOf(method: RegisteredMethod): PasskeyData {
  return method.data as unknown as PasskeyData;
}
