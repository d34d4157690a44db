import type { KeyRing } from '../crypto/key-ring.js';
import type { MethodVerifier } from '../methods/method-verifier.js';
import type { PasswordPolicy } from '../password/password-policy.js';
import type { TenantPolicy } from '../policy/method-policy.js';
import type { AccessPassRepository } from '../ports/access-passes.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { HelpdeskCheckRepository, HelpdeskRequestRepository } from '../ports/helpdesk.js';
import type { Limiter } from '../ports/limiter.js';
import type { MethodRepository } from '../ports/methods.js';
import type { SessionRepository } from '../ports/sessions.js';
import type { Store } from '../ports/store.js';
import type { TenantCatalog } from '../ports/tenants.js';
import type { SmsSender } from '../sms/sms-sender.js';
import { HelpdeskApprovals } from './approvals.js';
import { CallerChecks } from './caller-checks.js';
import { HelpdeskActions } from './helpdesk-actions.js';
import type { HelpdeskSettings } from './helpdesk-settings.js';
import { OneTimePasswords } from './one-time-password.js';

/** Everything the helpdesk is built from. */
export interface HelpdeskDeps {
  store: Store;
  directory: Directory;
  methods: MethodRepository;
  verifier: MethodVerifier;
  tenants: TenantCatalog;
  keys: KeyRing;
  clock: Clock;
  limiter: Limiter;
  sms: SmsSender | null;
  policyFor: (tenantId: string) => TenantPolicy;
  settings: HelpdeskSettings;
  checks: HelpdeskCheckRepository;
  requests: HelpdeskRequestRepository;
  passes: AccessPassRepository;
  passwords: PasswordPolicy;
  sessions: SessionRepository;
  accountLockSeconds: number;
  postWriteCheck: { attempts: number; initialDelayMs: number };
  delay: (ms: number) => Promise<void>;
}

/** The console's helpdesk: caller checks, the actions after a passed one, and approvals for protected people. */
export class Helpdesk {
  readonly checks: CallerChecks;
  readonly approvals: HelpdeskApprovals;
  readonly actions: HelpdeskActions;
  readonly oneTimePasswords: OneTimePasswords;
  /** Live passes of a person (the helpdesk page lists them). */
  readonly passes: AccessPassRepository;
  readonly settings: HelpdeskSettings;

  constructor(deps: HelpdeskDeps) {
    this.settings = deps.settings;
    this.passes = deps.passes;
    this.checks = new CallerChecks(deps);
    this.approvals = new HelpdeskApprovals(deps);
    const actionDeps = { ...deps, approvals: this.approvals, smsAvailable: deps.sms !== null };
    this.actions = new HelpdeskActions(actionDeps);
    this.oneTimePasswords = new OneTimePasswords(actionDeps, this.actions);
  }
}
