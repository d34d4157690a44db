import type { FastifyRequest } from 'fastify';
import type { AuditVerificationState } from '../../../../core/admin/audit-verifications.js';
import { rolesOn, tenantsOf } from '../../../../core/admin/operator.js';
import type { AuditVerificationRun } from '../../../../core/ports/audit-verifications.js';
import { operatorOf, type AdminContext } from '../../admin-context.js';

/**
 * Who started a run, as this operator may see it: `cli`, a token's actor, an operator of a tenant the viewer
 * sees; null for an operator of a tenant the viewer does not see (the log is global, the tenants are not).
 */
export function startedByFor(actor: string, visibleTenants: readonly string[]): string | null {
  const operator = /^operator:([^/]+)\//.exec(actor);
  if (operator && !visibleTenants.includes(operator[1]!)) return null;
  return actor;
}

/** A run as JSON (the admin API). */
export function runJson(run: AuditVerificationRun, visibleTenants: readonly string[]) {
  return {
    id: run.id,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    startedBy: startedByFor(run.startedBy, visibleTenants),
    entriesChecked: run.entriesChecked,
    entriesTotal: run.entriesTotal,
    chains: run.chains,
    firstProblem: run.firstProblem,
    digest: run.digest,
    heartbeatAt: run.heartbeatAt.toISOString(),
  };
}

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['running', 'ok', 'broken', 'failed'] },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    startedBy: { type: ['string', 'null'], description: '`cli`, `operator:<tenant>/<user>`, `token:<id>`; null: an operator of a tenant you do not see' },
    entriesChecked: { type: 'integer' },
    entriesTotal: { type: 'integer', description: 'the entries recorded when the run started (what progress counts towards)' },
    chains: { type: ['integer', 'null'] },
    firstProblem: { type: ['string', 'null'], description: 'broken: the first wrong or missing entry (chain, seq, why); failed: why the run stopped' },
    digest: { type: ['string', 'null'], description: 'ok: one hash over every chain’s length and last hash' },
    heartbeatAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The status answer's schema (OpenAPI). */
export const verificationStateSchema = {
  type: 'object',
  properties: { running: { anyOf: [runSchema, { type: 'null' }] }, last: { anyOf: [runSchema, { type: 'null' }] } },
} as const;

/** One run's schema (OpenAPI). */
export const verificationRunSchema = runSchema;

/** The tenants the request's operator sees. */
export function visibleTenantsOf(ctx: AdminContext, request: FastifyRequest): string[] {
  return tenantsOf(operatorOf(request), ctx.deps.tenants.list().map((t) => t.id));
}

/** What the panel and the verification page show of one run. */
export interface RunView {
  status: AuditVerificationRun['status'];
  startedAt: Date;
  finishedAt: Date | null;
  /** Ready to print: "the CLI", "opal (demo)", "API token abc", "an operator of another tenant". */
  startedBy: string;
  entriesChecked: number;
  entriesTotal: number;
  /** Whole percent of the entries at the start (null when there were none). */
  percent: number | null;
  chains: number | null;
  firstProblem: string | null;
  digest: string | null;
}

/** The panel's and page's data: the running run, the last finished one, and whether the viewer may start one. */
export function verificationView(ctx: AdminContext, request: FastifyRequest, state: AuditVerificationState, tenantId: string, t: (key: string, options?: Record<string, unknown>) => string) {
  const visible = visibleTenantsOf(ctx, request);
  const view = (run: AuditVerificationRun | null): RunView | null => {
    if (!run) return null;
    const by = startedByFor(run.startedBy, visible);
    const operator = by ? /^operator:([^/]+)\/(.+)$/.exec(by) : null;
    const token = by ? /^token:(.+)$/.exec(by) : null;
    const startedBy = by === null ? t('audit_verification.by_other_tenant')
      : by === 'cli' ? t('audit_verification.by_cli')
      : operator ? t('audit_verification.by_operator', { name: operator[2], tenant: operator[1] })
      : token ? t('audit_verification.by_token', { id: token[1] }) : by;
    const percent = run.entriesTotal > 0 ? Math.min(100, Math.floor((run.entriesChecked * 100) / run.entriesTotal)) : null;
    return {
      status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, startedBy, entriesChecked: run.entriesChecked,
      entriesTotal: run.entriesTotal, percent, chains: run.chains, firstProblem: run.firstProblem, digest: run.digest,
    };
  };
  return {
    running: view(state.running),
    last: view(state.last),
    canStart: rolesOn(operatorOf(request), tenantId).includes('admin'),
    startHref: `/admin/t/${tenantId}/audit-verification`,
    pageHref: `/admin/t/${tenantId}/audit/verification`,
  };
}
