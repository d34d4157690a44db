import type { RiskAction, RiskReason } from './risk-types.js';

/** From `min` points on (inclusive), the band's action; bands are kept sorted by `min`, highest match wins. */
export interface RiskBand {
  min: number;
  action: Exclude<RiskAction, 'allow'>;
}

/** Bands for members of any of `groups` (compared case-insensitively); the first matching rule wins. */
export interface RiskRule {
  groups: readonly string[];
  bands: readonly RiskBand[];
}

/** A tenant's own risk policy over the defaults (`tenants[].risk`): each field it sets replaces the default's. */
export interface TenantRiskOverride {
  enabled?: boolean;
  bands?: readonly RiskBand[];
  rules?: readonly RiskRule[];
}

/** More than `threshold` starts in `windowSeconds` for one key add the signal's weight (twice it at 3× the threshold). */
export interface VelocityLimit {
  threshold: number;
  windowSeconds: number;
}

/** The signals counted in the limiter, each with its own bucket. */
export const VELOCITY_SIGNALS = ['ip_velocity', 'subnet_velocity', 'account_velocity', 'tenant_velocity'] as const;
export type VelocitySignal = (typeof VELOCITY_SIGNALS)[number];

/** The weights every signal but `ip_reputation` adds (each reputation list carries its own points). */
export type RiskWeights = Record<Exclude<RiskReason, 'ip_reputation'>, number>;

/** The whole engine's settings, as `risk:` in config gives them (built in `src/config/risk-schema.ts`). */
export interface RiskSettings {
  enabled: boolean;
  weights: RiskWeights;
  velocity: Record<VelocitySignal, VelocityLimit>;
  /** Consecutive failed proofs of the account (bucket `proof_failures`) from which `failed_proofs` counts. */
  failedProofsThreshold: number;
  /** The `proof_failures` bucket's points (its count is read by peeking, so the size is needed). */
  proofFailurePoints: number;
  /** Successful resets an account needs before an hour it never used counts as `unusual_hour`. */
  unusualHourMinSuccesses: number;
  /** Travel faster than this between the last success and this start is `impossible_travel`. */
  maxSpeedKmh: number;
  /** Shorter distances never count as travel (GeoIP places a city's addresses kilometres apart). */
  minTravelKm: number;
  /** ISO country codes (upper case) that add `country`; `allowedCountries` non-empty: any other country adds it too. */
  riskyCountries: readonly string[];
  allowedCountries: readonly string[];
  bands: readonly RiskBand[];
  rules: readonly RiskRule[];
  tenants: Readonly<Record<string, TenantRiskOverride>>;
}

/**
 * The points of the `risk_*` limiter buckets: large enough never to refuse, so `remaining` gives the count.
 * The risk buckets only count; refusing is the rate limits' job.
 */
export const RISK_BUCKET_POINTS = 1_000_000;

/** The limiter bucket of each velocity signal. */
export const VELOCITY_BUCKETS = {
  ip_velocity: 'risk_ip',
  subnet_velocity: 'risk_subnet',
  account_velocity: 'risk_account',
  tenant_velocity: 'risk_tenant',
} as const satisfies Record<VelocitySignal, string>;

/**
 * The defaults: low friction, secure. Nothing a person notices until several signals add up: from 40 points a
 * proof-of-work (a second of a browser's time, or a short wait without JavaScript), from 70 one proof more.
 * No hold and no deny unless an operator asks for them (both cost people, and hold costs operators).
 */
export const DEFAULT_RISK_BANDS: readonly RiskBand[] = [
  { min: 40, action: 'proof_of_work' },
  { min: 70, action: 'step_up' },
];

export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  ip_velocity: 25,
  subnet_velocity: 15,
  account_velocity: 20,
  tenant_velocity: 10,
  failed_proofs: 25,
  new_device: 15,
  country: 30,
  impossible_travel: 40,
  unusual_hour: 10,
  attack_mode: 40,
};

export const DEFAULT_VELOCITY: Record<VelocitySignal, VelocityLimit> = {
  ip_velocity: { threshold: 10, windowSeconds: 3600 },
  subnet_velocity: { threshold: 30, windowSeconds: 3600 },
  account_velocity: { threshold: 5, windowSeconds: 3600 },
  tenant_velocity: { threshold: 1000, windowSeconds: 3600 },
};
