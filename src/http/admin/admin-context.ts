import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operator } from '../../core/admin/operator.js';
import { operatorEntry, type OperatorEntryFields } from '../../core/audit/operator-entry.js';
import type { HttpDeps } from '../http-deps.js';
import { clientOf } from '../portal/page.js';
import type { AdminServices } from './console-services.js';
import type { AdminRole } from '../../core/admin/operator.js';


/** Shared by every route of the console and the admin API: decided once at start. */
export interface AdminContext {
  deps: HttpDeps;
  admin: AdminServices;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  /** Every console area, in navigation order (handed in, so that pages need not import the list that imports them). */
  areas: ReadonlyArray<{ id: string; roles: readonly AdminRole[] }>;
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
