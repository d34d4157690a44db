import type { UnlatchConfig } from './config/schema.js';
import { policyFor } from './config/policy-schema.js';
import { SqlAccessPassRepository } from './adapters/store/access-pass-repository.js';
import type { DatabaseHandle } from './adapters/store/database.js';
import { SqlHelpdeskChecks } from './adapters/store/helpdesk-checks.js';
import { SqlHelpdeskRequests } from './adapters/store/helpdesk-requests.js';
import type { KeyRing } from './core/crypto/key-ring.js';
import { Helpdesk } from './core/helpdesk/helpdesk.js';
import type { MethodVerifier } from './core/methods/method-verifier.js';
import type { PasswordPolicy } from './core/password/password-policy.js';
import type { Clock } from './core/ports/clock.js';
import type { Directory } from './core/ports/directory.js';
import type { Limiter } from './core/ports/limiter.js';
import type { MethodRepository } from './core/ports/methods.js';
import type { SessionRepository } from './core/ports/sessions.js';
import type { Store } from './core/ports/store.js';
import type { TenantCatalog } from './core/ports/tenants.js';
import type { SmsSender } from './core/sms/sms-sender.js';

/** What the helpdesk is built from: the app's own pieces, shared with the portal. */
export interface HelpdeskServicesDeps {
  config: UnlatchConfig;
  database: DatabaseHandle;
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  clock: Clock;
  methods: MethodRepository;
  verifier: MethodVerifier;
  keys: KeyRing;
  sms: SmsSender | null;
  passwords: PasswordPolicy;
  sessions: SessionRepository;
}

/** The console's helpdesk over the SQL store, configured by `helpdesk` (and `reset` for directory writes). */
export function buildHelpdesk(deps: HelpdeskServicesDeps): Helpdesk {
  const { config, database } = deps;
  return new Helpdesk({
    ...deps,
    policyFor: (tenantId) => policyFor(config.policy, tenantId),
    settings: config.helpdesk,
    checks: new SqlHelpdeskChecks(database.db),
    requests: new SqlHelpdeskRequests(database.db),
    passes: new SqlAccessPassRepository(database.db),
    accountLockSeconds: config.reset.accountLockSeconds,
    postWriteCheck: config.reset.postWriteCheck,
    delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
