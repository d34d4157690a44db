/**
 * What the risk engine reads and keeps, each behind a port (adapters in `src/adapters/risk/`). None of them
 * keeps an IP address: places are a country and coordinates, devices are HMACs.
 */

/** Where an address is, as far as a GeoIP database can tell (any part may be missing). */
export interface GeoPlace {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  lat?: number;
  lon?: number;
}

/** GeoIP lookups (a MaxMind-format database file). */
export interface GeoLocator {
  /** The place of an address; null when the database does not know it (private ranges, unknown networks). */
  locate(ip: string): GeoPlace | null;
}

/** One operator-supplied list an address is on, with the points the list adds. */
export interface ReputationHit {
  name: string;
  points: number;
}

/** The operator's IP reputation lists (CIDR files, reloaded on change). */
export interface IpReputation {
  /** Every list the address is on (none: empty). */
  lookup(ip: string): ReputationHit[];
}

/** The place and time of an account's last successful reset or sign-in (never the address). */
export interface LastSuccess {
  at: Date;
  lat: number | null;
  lon: number | null;
  country: string | null;
}

/** An account's history as the engine keeps it. */
export interface AccountRiskHistory {
  last: LastSuccess | null;
  /** 24 counts: successful resets per hour of the day in the tenant's zone. */
  hours: number[];
}

/** What the engine remembers of a success. */
export interface SuccessRecord {
  tenantId: string;
  subjectId: string;
  at: Date;
  place: GeoPlace | null;
  /** The hour to count in the histogram (resets only; a sign-in moves the place and time but not the habit). */
  hour: number | null;
  /** The device's HMAC, added to the account's known devices (resets only). */
  deviceHash: string | null;
}

/**
 * The store of account histories and known devices (migration 0025). Reads for an unknown account (subject id
 * `''`) find nothing, with the same queries as a real one.
 */
export interface RiskHistory {
  account(tenantId: string, subjectId: string): Promise<AccountRiskHistory>;
  /** The HMACs of the devices the account completed a reset on (the most recent few). */
  devices(tenantId: string, subjectId: string): Promise<string[]>;
  record(success: SuccessRecord): Promise<void>;
}
