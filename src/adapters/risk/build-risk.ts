import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { riskSettingsOf } from '../../config/risk-schema.js';
import type { UnlatchConfig } from '../../config/schema.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Limiter } from '../../core/ports/limiter.js';
import type { TenantCatalog } from '../../core/ports/tenants.js';
import type { AttackModeState } from '../../core/risk/attack-mode-state.js';
import { RiskEngine } from '../../core/risk/risk-engine.js';
import { GeoIpLocator } from './geoip-locator.js';
import { ReputationLists, type ReputationEvents } from './reputation-lists.js';
import { RiskMetrics } from './risk-metrics.js';
import type { Database } from '../store/schema.js';
import { SqlRiskHistory } from './sql-risk-history.js';

/** The risk engine and what it holds open (file watchers), built from the validated config. */
export interface RiskServices {
  engine: RiskEngine;
  metrics: RiskMetrics;
  reputation: ReputationLists;
  geo: GeoIpLocator | null;
  close(): void;
}

/**
 * Builds the engine: the SQL history, the operator's reputation lists and the GeoIP file (a missing file stops the
 * start with a message naming its key), the decision counter. `attackMode` comes from the proof-of-work gate's side.
 */
export function buildRisk(input: {
  config: Pick<UnlatchConfig, 'risk' | 'tenants' | 'rateLimits'>;
  db: Kysely<Database>;
  keys: KeyRing;
  clock: Clock;
  limiter: Limiter;
  tenants: TenantCatalog;
  registry: Registry;
  log: ReputationEvents & { error(details: Record<string, unknown>, message: string): void };
  attackMode?: AttackModeState | null;
}): RiskServices {
  const { config } = input;
  const reputation = new ReputationLists(config.risk.reputationLists, input.log);
  let geo: GeoIpLocator | null = null;
  try {
    geo = config.risk.geoip.file ? new GeoIpLocator(config.risk.geoip.file, input.log) : null;
  } catch (error) {
    reputation.close();
    throw error;
  }
  const engine = new RiskEngine({
    settings: riskSettingsOf(config.risk, config.tenants, config.rateLimits.proof_failures.points),
    limiter: input.limiter,
    keys: input.keys,
    clock: input.clock,
    history: new SqlRiskHistory(input.db),
    reputation,
    geo,
    attackMode: input.attackMode ?? null,
    timeZoneOf: (tenantId) => input.tenants.get(tenantId)?.timeZone,
    onRecordError: (error) => input.log.error({ err: error }, 'risk history could not be updated (the reset itself succeeded)'),
  });
  return {
    engine,
    metrics: new RiskMetrics(input.registry, config.tenants.map((t) => t.id)),
    reputation,
    geo,
    close() {
      reputation.close();
      geo?.close();
    },
  };
}
