import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminSignIn } from '../../core/admin/admin-sign-in.js';
import type { AdminTokens } from '../../core/admin/admin-tokens.js';
import type { AuditVerifications } from '../../core/admin/audit-verifications.js';
import type { Operator } from '../../core/admin/operator.js';
import type { SystemStatusSource } from '../../core/admin/system-status.js';
import type { ReportSources } from '../../core/admin/reports/report.js';
import { operatorEntry, type OperatorEntryFields } from '../../core/audit/operator-entry.js';
import type { AuditQuery } from '../../core/ports/audit-query.js';
import type { Directory } from '../../core/ports/directory.js';
import type { PersonActivityReader } from '../../core/ports/person-activity.js';
import type { PolicySimulator } from '../../core/policy/policy-simulator.js';
import type { AuditStats } from '../../core/ports/audit-stats.js';
import type { Clock } from '../../core/ports/clock.js';
import type { MethodRepository } from '../../core/ports/methods.js';
import type { OidcRelyingParty } from '../../core/ports/oidc.js';
import type { Store } from '../../core/ports/store.js';
import type { HttpDeps } from '../http-deps.js';
import { clientOf } from '../portal/page.js';

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
}

/** Shared by every route of the console and the admin API: decided once at start. */
export interface AdminContext {
  deps: HttpDeps;
  admin: AdminServices;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  /** Versioned URLs of the chart scripts and styles (the layout loads them on pages with charts). */
  chartAssets?: { chartJs: string; adminChartsJs: string; adminChartsCss: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in operator (console) or the bearer token's operator (API); set by the area's scope hook. */
    operator: Operator | null;
  }
}

/** The operator of a guarded route; the scope hook has set it (a route outside a scope never calls this). */
export function operatorOf(request: FastifyRequest): Operator {
  if (!request.operator) throw new Error('operatorOf called outside a guarded scope');
  return request.operator;
}

/** The `:tenant` of a console or API path. */
export function tenantParam(request: FastifyRequest): string {
  const params = request.params as Record<string, unknown> | undefined;
  return typeof params?.tenant === 'string' ? params.tenant : '';
}

/** Writes an audit entry naming the operator: every action, and every sensitive read (a trail, an export). */
export async function auditOperator(ctx: AdminContext, request: FastifyRequest, fields: OperatorEntryFields): Promise<void> {
  const entry = operatorEntry(operatorOf(request), clientOf(request), fields);
  await ctx.admin.store.transaction((tx) => tx.audit.append(entry));
}

/** Console pages and admin answers are never cached and never leak through a Referer. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
  reply.header('referrer-policy', 'no-referrer');
}
