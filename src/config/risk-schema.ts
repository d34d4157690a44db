import { z } from 'zod';
import { RISK_ACTIONS } from '../core/risk/risk-types.js';
import {
  DEFAULT_RISK_BANDS, DEFAULT_RISK_WEIGHTS, DEFAULT_VELOCITY, type RiskBand, type RiskSettings, type RiskWeights, type TenantRiskOverride,
} from '../core/risk/risk-settings.js';
import { attackModeSchema, proofOfWorkSchema, tenantProofOfWorkSchema } from './proof-of-work-schema.js';
import { reviewSchema } from './review-schema.js';

const points = z.int().min(0).max(100);

/**
 * Score bands: from `min` points on, `action`. Sorted by `min` with actions growing more severe, so a reader sees
 * the policy at once (a band that would ask for less than a lower one is refused at start).
 */
const bandsSchema = z
  .array(z.object({ min: z.int().min(1).max(100), action: z.enum(RISK_ACTIONS.filter((a) => a !== 'allow') as ['proof_of_work', 'step_up', 'hold', 'deny']) }).strict())
  .max(4)
  .superRefine((bands, ctx) => {
    bands.forEach((band, i) => {
      const prev = bands[i - 1];
      if (!prev) return;
      if (band.min <= prev.min) ctx.addIssue({ code: 'custom', path: [i, 'min'], message: 'bands must be listed by growing min' });
      if (RISK_ACTIONS.indexOf(band.action) <= RISK_ACTIONS.indexOf(prev.action)) {
        ctx.addIssue({ code: 'custom', path: [i, 'action'], message: `must be more severe than the band before (${prev.action})` });
      }
    });
  });

/** Per-group bands: members of any of `groups` (case-insensitive) are judged by these bands; the first match wins. */
const ruleSchema = z.object({ groups: z.array(z.string().min(1).max(256)).min(1).max(50), bands: bandsSchema }).strict();

const velocity = (defaults: { threshold: number; windowSeconds: number }) =>
  z
    .object({ threshold: z.int().min(1).max(1_000_000).default(defaults.threshold), windowSeconds: z.int().min(60).max(7 * 86_400).default(defaults.windowSeconds) })
    .strict()
    .prefault({});

const w = DEFAULT_RISK_WEIGHTS;
const country = z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as DE').transform((c) => c.toUpperCase());

/** `risk`: the risk engine at the start of a reset or unlock. See docs/risk.md. */
export const riskSchema = z
  .object({
    /** Off: every start is `allow` with score 0 (proof-of-work `always` and attack mode still apply). */
    enabled: z.boolean().default(true),
    /** Points each signal adds (0–100; a score is their sum, capped at 100). Reputation lists carry their own. */
    weights: z
      .object({
        ipVelocity: points.default(w.ip_velocity),
        subnetVelocity: points.default(w.subnet_velocity),
        accountVelocity: points.default(w.account_velocity),
        tenantVelocity: points.default(w.tenant_velocity),
        failedProofs: points.default(w.failed_proofs),
        newDevice: points.default(w.new_device),
        country: points.default(w.country),
        impossibleTravel: points.default(w.impossible_travel),
        unusualHour: points.default(w.unusual_hour),
        attackMode: points.default(w.attack_mode),
      })
      .strict()
      .prefault({}),
    /** More than `threshold` starts per `windowSeconds` adds the weight (twice it from 3× the threshold). */
    velocity: z
      .object({
        ip: velocity(DEFAULT_VELOCITY.ip_velocity),
        /** Per IPv4 /24 and IPv6 /64. */
        subnet: velocity(DEFAULT_VELOCITY.subnet_velocity),
        /** Per account (every spelling of it; an unknown identifier counts as itself). */
        account: velocity(DEFAULT_VELOCITY.account_velocity),
        tenant: velocity(DEFAULT_VELOCITY.tenant_velocity),
      })
      .strict()
      .prefault({}),
    /** Consecutive failed proofs of the account from which `failedProofs` is added. */
    failedProofsThreshold: z.int().min(1).max(100).default(3),
    /** Successful resets an account needs before an hour it never used adds `unusualHour`. */
    unusualHourMinSuccesses: z.int().min(1).max(1000).default(5),
    /** Default: proof-of-work from 40 points, one proof more from 70; no hold, no deny. */
    bands: bandsSchema.default(() => DEFAULT_RISK_BANDS.map((b) => ({ ...b }))),
    /** Per-group bands, the first rule naming one of the person's groups wins (after the lookup only). */
    rules: z.array(ruleSchema).max(50).default([]),
    /** CIDR files the operator supplies: one address or CIDR per line, `#` comments; reloaded on change. */
    reputationLists: z
      .array(z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, dot, dash, underscore'), file: z.string().min(1), points: points.default(40) }).strict())
      .max(20)
      .default([])
      .refine((lists) => new Set(lists.map((l) => l.name)).size === lists.length, 'list names must be unique'),
    /** Optional GeoIP (a MaxMind-format `.mmdb` file, e.g. GeoLite2-City): country and impossible travel. */
    geoip: z
      .object({
        /** The database file; absent: no country or travel signal. Re-read when it changes. */
        file: z.string().min(1).optional(),
        /** Countries that add `country` points. */
        countries: z.array(country).max(250).default([]),
        /** When not empty: any country not listed adds `country` points. */
        allowedCountries: z.array(country).max(250).default([]),
        /** Faster travel between the last success and this start adds `impossibleTravel`. */
        maxSpeedKmh: z.int().min(100).max(20_000).default(900),
        /** Shorter distances never count (GeoIP places are coarse). */
        minTravelKm: z.int().min(0).max(5_000).default(100),
      })
      .strict()
      .prefault({}),
    proofOfWork: proofOfWorkSchema,
    attackMode: attackModeSchema,
    review: reviewSchema,
  })
  .strict()
  .prefault({});

/** `tenants[].risk`: the tenant's own switch, bands, group rules and proof-of-work mode over `risk`'s. */
export const tenantRiskSchema = z
  .object({ enabled: z.boolean().optional(), bands: bandsSchema.optional(), rules: z.array(ruleSchema).max(50).optional(), proofOfWork: tenantProofOfWorkSchema.optional() })
  .strict();

export type RiskConfig = z.infer<typeof riskSchema>;
export type TenantRiskConfig = z.infer<typeof tenantRiskSchema>;

/** The engine's settings from the validated config (`proofFailurePoints`: the `proof_failures` bucket's size). */
export function riskSettingsOf(risk: RiskConfig, tenants: ReadonlyArray<{ id: string; risk?: TenantRiskConfig }>, proofFailurePoints: number): RiskSettings {
  const x = risk.weights;
  const weights: RiskWeights = {
    ip_velocity: x.ipVelocity, subnet_velocity: x.subnetVelocity, account_velocity: x.accountVelocity, tenant_velocity: x.tenantVelocity,
    failed_proofs: x.failedProofs, new_device: x.newDevice, country: x.country, impossible_travel: x.impossibleTravel,
    unusual_hour: x.unusualHour, attack_mode: x.attackMode,
  };
  const overrides: Record<string, TenantRiskOverride> = {};
  for (const tenant of tenants) {
    if (!tenant.risk) continue;
    const { enabled, bands, rules } = tenant.risk;
    overrides[tenant.id] = { ...(enabled !== undefined ? { enabled } : {}), ...(bands ? { bands: bands as RiskBand[] } : {}), ...(rules ? { rules } : {}) };
  }
  return {
    enabled: risk.enabled,
    weights,
    velocity: { ip_velocity: risk.velocity.ip, subnet_velocity: risk.velocity.subnet, account_velocity: risk.velocity.account, tenant_velocity: risk.velocity.tenant },
    failedProofsThreshold: risk.failedProofsThreshold,
    proofFailurePoints,
    unusualHourMinSuccesses: risk.unusualHourMinSuccesses,
    maxSpeedKmh: risk.geoip.maxSpeedKmh,
    minTravelKm: risk.geoip.minTravelKm,
    riskyCountries: risk.geoip.countries,
    allowedCountries: risk.geoip.allowedCountries,
    bands: risk.bands as RiskBand[],
    rules: risk.rules,
    tenants: overrides,
  };
}

/** The limiter buckets of the velocity signals (huge points: they only count), sized by `risk.velocity`. */
export function riskBucketSettings(risk: RiskConfig, points: number): Record<'risk_ip' | 'risk_subnet' | 'risk_account' | 'risk_tenant', { points: number; durationSeconds: number }> {
  return {
    risk_ip: { points, durationSeconds: risk.velocity.ip.windowSeconds },
    risk_subnet: { points, durationSeconds: risk.velocity.subnet.windowSeconds },
    risk_account: { points, durationSeconds: risk.velocity.account.windowSeconds },
    risk_tenant: { points, durationSeconds: risk.velocity.tenant.windowSeconds },
  };
}
