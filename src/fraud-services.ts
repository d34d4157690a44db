import type { Kysely } from 'kysely';
import type { UnlatchConfig } from './config/schema.js';
import type { UnlatchMetrics } from './adapters/observability/metrics.js';
import { SqlFraudStore } from './adapters/store/fraud-store.js';
import { SqlFrictionStore } from './adapters/store/friction-store.js';
import type { Database } from './adapters/store/schema.js';
import { FraudReports } from './core/fraud/fraud-reports.js';
import type { FraudServices } from './core/fraud/fraud-services.js';
import { FrictionRatings } from './core/fraud/friction-ratings.js';
import type { Clock } from './core/ports/clock.js';
import type { Limiter } from './core/ports/limiter.js';
import type { Store } from './core/ports/store.js';

/**
 * "This wasn't me" reports and operator labels (SLI M3) and the anonymous friction rating (SLI M8) over the SQL
 * store, configured by `security.alertEmails` and `portal.frictionRating`. See docs/fraud-reports.md.
 */
export function buildFraudServices(deps: { config: UnlatchConfig; db: Kysely<Database>; store: Store; limiter: Limiter; clock: Clock; metrics: UnlatchMetrics }): FraudServices {
  const { config, db, store, limiter, clock, metrics } = deps;
  const fraudStore = new SqlFraudStore(db);
  const friction = new SqlFrictionStore(db);
  return {
    fraudStore,
    friction,
    reports: new FraudReports({
      store, fraud: fraudStore, limiter, clock,
      alertEmails: config.security.alertEmails,
      tenantName: (id) => config.tenants.find((t) => t.id === id)?.name ?? id,
    }),
    ratings: new FrictionRatings({ store: friction, limiter, clock, onRated: (answer) => metrics.fraud.rated(answer) }),
  };
}
