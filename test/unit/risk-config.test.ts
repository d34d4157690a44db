import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { riskBucketSettings, riskSettingsOf } from '../../src/config/risk-schema.js';
import { DEFAULT_RISK_BANDS, RISK_BUCKET_POINTS } from '../../src/core/risk/risk-settings.js';

describe('risk config', () => {
  it('defaults to the engine on, proof-of-work from 40 and step-up from 70', () => {
    const config = validateConfig({});
    expect(config.risk.enabled).toBe(true);
    expect(config.risk.bands).toEqual(DEFAULT_RISK_BANDS);
    const settings = riskSettingsOf(config.risk, config.tenants, config.rateLimits.proof_failures.points);
    expect(settings.weights.new_device).toBe(15);
    expect(settings.proofFailurePoints).toBe(config.rateLimits.proof_failures.points);
    expect(riskBucketSettings(config.risk, RISK_BUCKET_POINTS).risk_subnet).toEqual({ points: RISK_BUCKET_POINTS, durationSeconds: 3600 });
  });

  it('takes tenant overrides and group rules', () => {
    const config = validateConfig({
      tenants: [{ id: 'corp', name: 'Corp', risk: { enabled: false } }, { id: 'bank', name: 'Bank', risk: { bands: [{ min: 10, action: 'deny' }] } }],
      risk: { rules: [{ groups: ['admins'], bands: [{ min: 20, action: 'hold' }] }], geoip: { countries: ['kp'] } },
    });
    const settings = riskSettingsOf(config.risk, config.tenants, 100);
    expect(settings.tenants).toEqual({ corp: { enabled: false }, bank: { bands: [{ min: 10, action: 'deny' }] } });
    expect(settings.rules).toEqual([{ groups: ['admins'], bands: [{ min: 20, action: 'hold' }] }]);
    expect(settings.riskyCountries).toEqual(['KP']);
  });

  it.each([
    [{ bands: [{ min: 60, action: 'step_up' }, { min: 40, action: 'hold' }] }, /risk\.bands\.1\.min: bands must be listed by growing min/],
    [{ bands: [{ min: 40, action: 'hold' }, { min: 60, action: 'step_up' }] }, /risk\.bands\.1\.action: must be more severe/],
    [{ bands: [{ min: 40, action: 'allow' }] }, /risk\.bands\.0\.action/],
    [{ weights: { newDevice: 101 } }, /risk\.weights\.newDevice/],
    [{ reputationLists: [{ name: 'a b', file: 'x' }] }, /risk\.reputationLists\.0\.name/],
    [{ geoip: { countries: ['Germany'] } }, /risk\.geoip\.countries\.0: an ISO 3166-1 alpha-2/],
    [{ velocity: { ip: { threshold: 0 } } }, /risk\.velocity\.ip\.threshold/],
    [{ surprise: true }, /risk/],
  ])('refuses %j naming the key', (risk, message) => {
    expect(() => validateConfig({ risk })).toThrow(message);
  });

  it('names the tenant key of a bad override', () => {
    expect(() => validateConfig({ tenants: [{ id: 'corp', name: 'Corp', risk: { bands: [{ min: 0, action: 'deny' }] } }] })).toThrow(/tenants\.0\.risk\.bands\.0\.min/);
  });
});
