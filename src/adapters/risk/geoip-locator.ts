import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { Reader, type CityResponse } from 'maxmind';
import { ConfigError } from '../../config/config-error.js';
import type { GeoLocator, GeoPlace } from '../../core/risk/risk-ports.js';
import type { ReputationEvents } from './reputation-lists.js';
import { stampOf } from './file-stamp.js';

const DEFAULT_POLL_MS = 60_000;

/**
 * GeoIP from a MaxMind-format database (`risk.geoip.file`: GeoLite2-City, GeoIP2-City, or a Country database, which
 * gives the country without coordinates), read with the `maxmind` package's reader. The file is read whole into
 * memory (GeoLite2-City is about 60 MB) and read again when it changes (fs.watch and a periodic look), so the weekly
 * update is picked up without a restart; a broken or missing new file keeps the last good copy.
 */
export class GeoIpLocator implements GeoLocator {
  private reader: Reader<CityResponse>;
  private stamp: string;
  private readonly watcher: FSWatcher | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly file: string, private readonly events: ReputationEvents, options: { pollMs?: number; watch?: boolean } = {}) {
    const stamp = stampOf(file);
    if (stamp === null) throw new ConfigError(`config: risk.geoip.file: ${file} cannot be read`);
    try {
      this.reader = new Reader<CityResponse>(readFileSync(file));
    } catch (error) {
      throw new ConfigError(`config: risk.geoip.file: ${file} is not a MaxMind database (${(error as Error).message})`);
    }
    this.stamp = stamp;
    if (options.watch !== false) {
      try {
        this.watcher = watch(file, { persistent: false }, () => this.refresh());
        this.watcher.on('error', () => undefined);
      } catch {
        // Not watchable here: the periodic check still notices the update.
      }
    }
    this.timer = setInterval(() => this.refresh(), options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  locate(ip: string): GeoPlace | null {
    let found: CityResponse | null;
    try {
      found = this.reader.get(ip);
    } catch {
      // Not an address the database can take (a test client's oddity): no place.
      return null;
    }
    if (!found) return null;
    const place: GeoPlace = {};
    const country = found.country?.iso_code ?? found.registered_country?.iso_code;
    if (country) place.country = country.toUpperCase();
    const { latitude, longitude } = found.location ?? {};
    if (typeof latitude === 'number' && typeof longitude === 'number') {
      place.lat = latitude;
      place.lon = longitude;
    }
    return place.country || place.lat !== undefined ? place : null;
  }

  /** Reads the file again when its size or time changed; true when a new copy is in use. */
  refresh(): boolean {
    const stamp = stampOf(this.file);
    if (stamp === null || stamp === this.stamp) return false;
    try {
      this.reader = new Reader<CityResponse>(readFileSync(this.file));
      this.stamp = stamp;
      this.events.info?.({ file: this.file }, 'GeoIP database reloaded');
      return true;
    } catch (error) {
      this.events.warn({ file: this.file, err: error }, 'GeoIP database could not be read; the last copy stays in use');
      return false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.watcher?.close();
  }
}
