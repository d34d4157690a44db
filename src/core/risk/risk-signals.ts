import type { RiskSignal } from './risk-types.js';
import type { RiskSettings, VelocitySignal } from './risk-settings.js';
import type { GeoPlace, LastSuccess, ReputationHit } from './risk-ports.js';

/**
 * Each signal as a pure function: what was observed in, a {@link RiskSignal} (points, reason, detail) or null out.
 * Details hold counts, thresholds, country codes, list names and speeds: never an address or an identifier.
 */

/** More than `threshold` starts in the window adds the weight; three times the threshold adds it twice. */
export function velocitySignal(reason: VelocitySignal, count: number, settings: RiskSettings): RiskSignal | null {
  const { threshold } = settings.velocity[reason];
  if (count <= threshold) return null;
  const weight = settings.weights[reason];
  return { reason, points: count >= 3 * threshold ? 2 * weight : weight, detail: { count, threshold } };
}

/** The account's run of consecutive failed proofs (across flows and methods) from the threshold on. */
export function failedProofsSignal(count: number, settings: RiskSettings): RiskSignal | null {
  if (count < settings.failedProofsThreshold) return null;
  return { reason: 'failed_proofs', points: settings.weights.failed_proofs, detail: { count } };
}

/**
 * A device this account never completed a reset on. An account with no known device at all has no habit to
 * break (its first reset, or one before this engine), so only an account with known devices counts it.
 */
export function deviceSignal(known: boolean, knownDevices: number, settings: RiskSettings): RiskSignal | null {
  if (known || knownDevices === 0) return null;
  return { reason: 'new_device', points: settings.weights.new_device, detail: { knownDevices } };
}

/** Each operator list the address is on adds that list's points. */
export function reputationSignals(hits: readonly ReputationHit[]): RiskSignal[] {
  return hits.map((hit) => ({ reason: 'ip_reputation', points: hit.points, detail: { list: hit.name } }));
}

/** A country on the risky list, or (with an allow list) one not on it. Unknown places add nothing. */
export function countrySignal(place: GeoPlace | null, settings: RiskSettings): RiskSignal | null {
  const country = place?.country?.toUpperCase();
  if (!country) return null;
  const risky = settings.riskyCountries.includes(country);
  const outside = settings.allowedCountries.length > 0 && !settings.allowedCountries.includes(country);
  if (!risky && !outside) return null;
  return { reason: 'country', points: settings.weights.country, detail: { country, list: risky ? 'risky' : 'not_allowed' } };
}

/**
 * Impossible travel: the great-circle distance from the place of the account's last success to here, over the
 * time since, faster than `maxSpeedKmh`. Distances under `minTravelKm` never count (GeoIP's places are coarse).
 */
export function travelSignal(last: LastSuccess | null, here: GeoPlace | null, now: Date, settings: RiskSettings): RiskSignal | null {
  if (!last || last.lat === null || last.lon === null || here?.lat === undefined || here.lon === undefined) return null;
  const km = distanceKm(last.lat, last.lon, here.lat, here.lon);
  if (km < settings.minTravelKm) return null;
  // A minute at least: two starts in the same second are not infinitely fast, only very fast.
  const hours = Math.max(now.getTime() - last.at.getTime(), 60_000) / 3_600_000;
  const kmh = Math.round(km / hours);
  if (kmh <= settings.maxSpeedKmh) return null;
  const detail: Record<string, string | number> = { km: Math.round(km), kmh };
  if (last.country) detail.from = last.country;
  if (here.country) detail.to = here.country;
  return { reason: 'impossible_travel', points: settings.weights.impossible_travel, detail };
}

/** An hour (in the tenant's zone) in which an account with enough history never completed a reset. */
export function hourSignal(hours: readonly number[], hour: number, settings: RiskSettings): RiskSignal | null {
  const total = hours.reduce((sum, n) => sum + n, 0);
  if (total < settings.unusualHourMinSuccesses || (hours[hour] ?? 0) > 0) return null;
  return { reason: 'unusual_hour', points: settings.weights.unusual_hour, detail: { hour } };
}

/** The tenant is under attack (a surge of starts): every start adds the weight (and is asked for proof-of-work). */
export function attackModeSignal(active: boolean, settings: RiskSettings): RiskSignal | null {
  return active ? { reason: 'attack_mode', points: settings.weights.attack_mode } : null;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Haversine distance in kilometres between two points given in degrees. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

