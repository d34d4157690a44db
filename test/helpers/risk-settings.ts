import { DEFAULT_RISK_BANDS, DEFAULT_RISK_WEIGHTS, DEFAULT_VELOCITY, type RiskSettings } from '../../src/core/risk/risk-settings.js';

/** The engine's default settings (as an empty `risk:` gives them), with `over` on top. */
export function riskSettings(over: Partial<RiskSettings> = {}): RiskSettings {
  return {
    enabled: true,
    weights: { ...DEFAULT_RISK_WEIGHTS },
    velocity: structuredClone(DEFAULT_VELOCITY),
    failedProofsThreshold: 3,
    proofFailurePoints: 100,
    unusualHourMinSuccesses: 5,
    maxSpeedKmh: 900,
    minTravelKm: 100,
    riskyCountries: [],
    allowedCountries: [],
    bands: DEFAULT_RISK_BANDS,
    rules: [],
    tenants: {},
    ...over,
  };
}
