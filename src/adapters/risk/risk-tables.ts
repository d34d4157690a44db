/** Migration 0025: the risk engine's account histories and known devices (no IP addresses, no cookies). */

export interface RiskDevicesTable {
  tenant_id: string;
  subject_id: string;
  /** HMAC of the device cookie, bound to the account (`core/risk/device-hash.ts`). */
  device_hash: string;
  first_seen: number;
  last_seen: number;
}

export interface RiskAccountsTable {
  tenant_id: string;
  subject_id: string;
  /** The last successful reset or sign-in (ms since the epoch). */
  last_success_at: number;
  /** Its place as GeoIP told it; null when unknown. */
  last_lat: number | null;
  last_lon: number | null;
  last_country: string | null;
  /** JSON array of 24 counts: successful resets per hour of the day in the tenant's zone. */
  hours: string;
}

export interface RiskTables {
  risk_devices: RiskDevicesTable;
  risk_accounts: RiskAccountsTable;
}
