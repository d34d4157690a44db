import type { AdminSignIn } from '../../core/admin/admin-sign-in.js';
import type { AdminTokens } from '../../core/admin/admin-tokens.js';
import type { AuditVerifications } from '../../core/admin/audit-verifications.js';
import type { SystemStatusSource } from '../../core/admin/system-status.js';
import type { ReportSources } from '../../core/admin/reports/report.js';
import type { AuditQuery } from '../../core/ports/audit-query.js';
import type { Directory } from '../../core/ports/directory.js';
import type { PersonActivityReader } from '../../core/ports/person-activity.js';
import type { PolicySimulator } from '../../core/policy/policy-simulator.js';
import type { AuditStats } from '../../core/ports/audit-stats.js';
import type { Clock } from '../../core/ports/clock.js';
import type { MethodRepository } from '../../core/ports/methods.js';
import type { OidcRelyingParty } from '../../core/ports/oidc.js';
import type { Store } from '../../core/ports/store.js';
import type { Helpdesk } from '../../core/helpdesk/helpdesk.js';

/** What the console needs beyond the portal's deps; each area takes only what it uses. */
export interface AdminServices {
  signIn: AdminSignIn;
  tokens: AdminTokens;
  store: Store;
  directory: Directory;
  methods: MethodRepository;
  /** A person's recent flows (the person page). */
  activity: PersonActivityReader;
  /** Audit search, paging and streaming (the audit area, a person's trail, exports). */
  auditQuery: AuditQuery;
  /** The organisation's OIDC provider, when `admin.oidc` is configured. */
  oidc?: OidcRelyingParty;
  /** The System area's health, key ring, version and redacted configuration (absent: the area says so). */
  system?: SystemStatusSource;
  /** "What would a reset do for this person?" with the reset flow's own decisions. */
  simulator: PolicySimulator;
  /** Audit rollup counts (the overview's figures). */
  stats: AuditStats;
  /** What the Reports area reads (absent: the area answers 404 for every report). */
  reports?: ReportSources;
  /** The app's clock: periods such as "the last 7 days" end now by it. */
  clock: Clock;
  /** Verifications of the audit log's hash chains: the status, and starting one in the background. */
  auditVerifications?: AuditVerifications;
  /** Caller checks, helpdesk actions and approvals (absent: the helpdesk areas answer 404). */
  helpdesk?: Helpdesk;
}
