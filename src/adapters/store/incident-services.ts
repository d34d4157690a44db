import type { Kysely } from 'kysely';
import { IncidentService } from '../../core/incident/incident-service.js';
import type { TenantPolicy } from '../../core/policy/method-policy.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Directory } from '../../core/ports/directory.js';
import type { MethodRepository } from '../../core/ports/methods.js';
import type { SessionRepository } from '../../core/ports/sessions.js';
import type { Store } from '../../core/ports/store.js';
import type { TenantCatalog } from '../../core/ports/tenants.js';
import { SqlIncidentStore } from './incident-store.js';
import type { Database } from './schema.js';

/** What an incident's forced resets are built from: the app's own store, directory, sessions and methods. */
export interface IncidentWiringDeps {
  db: Kysely<Database>;
  store: Store;
  directory: Directory;
  sessions: SessionRepository;
  methods: MethodRepository;
  tenants: TenantCatalog;
  clock: Clock;
  policyFor: (tenantId: string) => TenantPolicy;
  /** Whether SMS providers are configured (the people's phones are told too). */
  smsAvailable: boolean;
}

/**
 * Forced resets after an incident over the SQL store (docs/incident-response.md): the service the CLI and the
 * console share, and its store, which is also the reset policy's lookup of `strict` mode's overrides.
 */
export function buildIncidents(deps: IncidentWiringDeps): { store: SqlIncidentStore; service: IncidentService } {
  const store = new SqlIncidentStore(deps.db, deps.clock);
  return { store, service: new IncidentService({ ...deps, incidents: store }) };
}
