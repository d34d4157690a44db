import { z } from 'zod';
import { REPORTS } from '../core/admin/reports/index.js';
import { REPORT_CADENCES } from '../core/admin/reports/report-schedule.js';
import { listenSchema } from './listen-schema.js';

/** The console roles (see docs/console.md): what each may see and do is decided once per console area. */
export const ADMIN_ROLES = ['admin', 'helpdesk', 'auditor'] as const;

/**
 * One grant of a tenant's config (`tenants[].operators`): members of `group` in this tenant's directories get
 * `role` on the tenants listed (default: this tenant only; `'*'` for every tenant).
 */
export const operatorGrantSchema = z
  .object({
    group: z.string().min(1).max(256),
    role: z.enum(ADMIN_ROLES),
    tenants: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** Sign-in through the organisation's OpenID Connect provider (authorization code with PKCE). */
export const adminOidcSchema = z
  .object({
    /** The provider's issuer URL (its discovery document is read from `/.well-known/openid-configuration`). */
    issuer: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    /** Or `clientSecretFile` / `clientSecretEnv`; `UNLATCH_ADMIN_OIDC_CLIENT_SECRET(_FILE)`. */
    clientSecret: z.string().min(1).optional(),
    /** The claim listing the person's groups (mapped to roles like directory groups); default `groups`. */
    rolesClaim: z.string().min(1).default('groups'),
    /** The claim naming the person (shown and audited); default `preferred_username`. */
    usernameClaim: z.string().min(1).default('preferred_username'),
    /** The tenant whose `operators` grants the provider's groups are mapped through. */
    tenant: z.string().min(1).optional(),
    /** Scopes asked for (`openid` is always added); default `openid profile email groups`. */
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).min(1).max(20).default(['openid', 'profile', 'email', 'groups']),
    /** The label of the sign-in button. */
    label: z.string().min(1).max(64).default('Sign in with your organisation'),
  })
  .strict();

/**
 * One scheduled report (`admin.reports.schedules[]`): the report of `tenant` mailed `every` day, week (Mondays)
 * or month (the 1st) at `hourUtc`, through the outbox, to each of `recipients`, the CSV attached. Runs once
 * across nodes. See docs/console.md, "Reports".
 */
export const reportScheduleSchema = z
  .object({
    report: z.enum(REPORTS.map((r) => r.id) as [string, ...string[]]),
    tenant: z.string().min(1),
    every: z.enum(REPORT_CADENCES),
    /** The hour (UTC) the run falls due; default 6. */
    hourUtc: z.number().int().min(0).max(23).default(6),
    recipients: z.array(z.email().max(254)).min(1).max(50),
    /** The report's parameters as in the console's query string: `period`, `days`, `group`, `min`. */
    params: z.partialRecord(z.enum(['period', 'days', 'group', 'min']), z.union([z.string().max(256), z.number().int()])).default({}),
  })
  .strict();

/** Config key `admin`: the operator console at `/admin` and its JSON API at `/api/v1/admin`. See docs/console.md. */
export const adminSchema = z
  .object({
    /** Serve the console at all (default true). */
    enabled: z.boolean().default(true),
    /**
     * Serve the console on its own listener (`host:port`, e.g. `127.0.0.1:9443`) instead of the public port;
     * the public port then answers 404 for `/admin` and `/api/v1/admin`. Also `UNLATCH_ADMIN_LISTEN`.
     */
    listen: listenSchema.optional(),
    /** A console session ends after this long without a request. */
    idleTimeoutSeconds: z.number().int().min(60).max(86_400).default(900),
    /** A console session ends this long after sign-in, however busy. */
    absoluteLifetimeSeconds: z.number().int().min(300).max(7 * 86_400).default(28_800),
    oidc: adminOidcSchema.optional(),
    /** Reports mailed on a schedule (`schedules`), checked once a minute by every node, run by one. */
    reports: z.object({ schedules: z.array(reportScheduleSchema).max(200).default([]) }).strict().default({ schedules: [] }),
  })
  .strict()
  .superRefine((admin, ctx) => {
    if (admin.idleTimeoutSeconds > admin.absoluteLifetimeSeconds) {
      ctx.addIssue({ code: 'custom', path: ['idleTimeoutSeconds'], message: 'must not exceed absoluteLifetimeSeconds' });
    }
  });

export type AdminConfig = z.infer<typeof adminSchema>;
export type OperatorGrant = z.infer<typeof operatorGrantSchema>;

/** The group holding the console's admin role on the dev-mode demo tenant (its demo operator is a member). */
export const DEMO_ADMIN_GROUP = 'unlatch-admins';
