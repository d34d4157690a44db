import { hourIn } from '../time-zone.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { Clock } from '../ports/clock.js';
import type { LimitBucket, Limiter } from '../ports/limiter.js';
import type { AttackModeState } from './attack-mode-state.js';
import { deviceHash, isKnownDevice, validDevice } from './device-hash.js';
import { subnetKey } from './ip-prefix.js';
import { allowDecision, decideAfter, decideBefore, riskPolicyFor } from './risk-policy.js';
import type { GeoLocator, IpReputation, RiskHistory } from './risk-ports.js';
import { RISK_BUCKET_POINTS, VELOCITY_BUCKETS, type RiskSettings, type VelocitySignal } from './risk-settings.js';
import {
  attackModeSignal, countrySignal, deviceSignal, failedProofsSignal, hourSignal, reputationSignals, travelSignal, velocitySignal,
} from './risk-signals.js';
import type { AfterLookupInput, BeforeLookupInput, RiskAssessor, RiskDecision, RiskSignal, SuccessInput } from './risk-types.js';

export interface RiskEngineDeps {
  settings: RiskSettings;
  limiter: Limiter;
  keys: KeyRing;
  clock: Clock;
  history: RiskHistory;
  /** The operator's reputation lists; none when absent. */
  reputation?: IpReputation | null;
  /** The GeoIP database; no country or travel signal when absent. */
  geo?: GeoLocator | null;
  /** Attack mode (the proof-of-work gate's monitor); never when absent. */
  attackMode?: AttackModeState | null;
  /** The tenant's IANA zone, for the hour signal (UTC when undefined). */
  timeZoneOf: (tenantId: string) => string | undefined;
  /** A failure to remember a success (the reset itself already succeeded): logged, never thrown. */
  onRecordError?: (error: unknown) => void;
}

/**
 * The risk engine: signals in, a score, an action and the reasons out. Before the lookup only what is the same
 * for every identifier (the address, the tenant, attack mode); after it the account's own signals, read the
 * same way for an unknown identifier (subject `''`, which has no history), so no answer or timing tells them apart.
 */
export class RiskEngine implements RiskAssessor {
  constructor(private readonly deps: RiskEngineDeps) {}

  async beforeLookup(input: BeforeLookupInput): Promise<RiskDecision> {
    const { settings } = this.deps;
    const policy = riskPolicyFor(settings, input.tenantId);
    if (!policy.enabled) return allowDecision();
    const ip = input.client.ip;
    const signals: Array<RiskSignal | null> = [
      velocitySignal('ip_velocity', await this.count('ip_velocity', ip), settings),
      velocitySignal('subnet_velocity', await this.count('subnet_velocity', subnetKey(ip)), settings),
      velocitySignal('tenant_velocity', await this.count('tenant_velocity', input.tenantId), settings),
      ...reputationSignals(this.deps.reputation?.lookup(ip) ?? []),
      countrySignal(this.deps.geo?.locate(ip) ?? null, settings),
      attackModeSignal((await this.deps.attackMode?.isActive(input.tenantId)) ?? false, settings),
    ];
    return decideBefore(present(signals), policy);
  }

  async afterLookup(input: AfterLookupInput): Promise<RiskDecision> {
    const { settings, history, clock } = this.deps;
    const policy = riskPolicyFor(settings, input.tenantId, input.account?.groups ?? []);
    if (!policy.enabled) return input.before;
    const { tenantId } = input;
    const subjectId = input.account?.id ?? '';
    const accountKey = `${tenantId}:${input.accountKey}`;
    const now = clock.now();
    const [velocity, failures, known, past] = [
      await this.count('account_velocity', accountKey),
      await this.failedProofs(accountKey),
      await history.devices(tenantId, subjectId),
      await history.account(tenantId, subjectId),
    ];
    const signals: Array<RiskSignal | null> = [
      velocitySignal('account_velocity', velocity, settings),
      failedProofsSignal(failures, settings),
      deviceSignal(isKnownDevice(this.deps.keys, tenantId, subjectId, validDevice(input.device), known), known.length, settings),
      travelSignal(past.last, this.deps.geo?.locate(input.client.ip) ?? null, now, settings),
      hourSignal(past.hours, hourIn(now, this.deps.timeZoneOf(tenantId)), settings),
    ];
    return decideAfter(input.before, present(signals), policy);
  }

  async recordSuccess(input: SuccessInput): Promise<void> {
    try {
      const kind = input.kind ?? 'reset';
      const device = validDevice(input.device);
      const hashed = input.deviceHash ?? (device ? deviceHash(this.deps.keys, input.tenantId, input.subjectId, device) : null);
      const at = this.deps.clock.now();
      await this.deps.history.record({
        tenantId: input.tenantId,
        subjectId: input.subjectId,
        at,
        place: this.deps.geo?.locate(input.client.ip) ?? null,
        hour: kind === 'reset' ? hourIn(at, this.deps.timeZoneOf(input.tenantId)) : null,
        deviceHash: kind === 'reset' ? hashed : null,
      });
    } catch (error) {
      this.deps.onRecordError?.(error);
    }
  }

  /** Counts this start in the signal's bucket and answers how many the window holds now (this one included). */
  private async count(signal: VelocitySignal, key: string): Promise<number> {
    const bucket: LimitBucket = VELOCITY_BUCKETS[signal];
    const decision = await this.deps.limiter.consume(bucket, key);
    if (!decision.allowed) return RISK_BUCKET_POINTS;
    return decision.remaining === undefined ? 1 : RISK_BUCKET_POINTS - decision.remaining;
  }

  /** The account's current run of failed proofs (`proof_failures`), read without counting anything. */
  private async failedProofs(key: string): Promise<number> {
    const decision = await this.deps.limiter.peek('proof_failures', key);
    if (!decision.allowed) return this.deps.settings.proofFailurePoints;
    // `peek` says what the next consume would leave: one less than what is left now.
    return decision.remaining === undefined ? 0 : Math.max(0, this.deps.settings.proofFailurePoints - (decision.remaining + 1));
  }
}

function present(signals: ReadonlyArray<RiskSignal | null>): RiskSignal[] {
  return signals.filter((s): s is RiskSignal => s !== null);
}
