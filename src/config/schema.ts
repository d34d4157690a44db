import { z } from 'zod';
import { policySchema } from './policy-schema.js';
import { smsSchema } from './sms-schema.js';
import { securityQuestionsSchema } from './questions-schema.js';
import { directoriesSchema } from './directories-schema.js';
import { adminSchema, operatorGrantSchema } from './admin-schema.js';
import { metricsSchema } from './metrics-schema.js';
import { enrolmentSchema } from './enrolment-schema.js';
import { remindersSchema } from './reminders-schema.js';
import { helpdeskSchema } from './helpdesk-schema.js';
import { auditSinksSchema, exportFileClashes } from './audit-sinks-schema.js';
import { portalSchema, securitySchema } from './fraud-schema.js';
import { hooksSchema } from './hooks-schema.js';
import { brandingSchema } from './branding-schema.js';
import { isTimeZone } from '../core/time-zone.js';
import { riskSchema, tenantRiskSchema } from './risk-schema.js';

const seconds = z.number().int().positive();

/** One rate-limit bucket: `points` events per `durationSeconds` window per key. */
const bucket = (points: number, durationSeconds: number) =>
  z
    .object({ points: z.number().int().positive(), durationSeconds: seconds })
    .strict()
    .default({ points, durationSeconds });

/**
 * The whole configuration. Every key is documented in `unlatch.example.yaml`;
 * unknown keys are refused so that a typo does not silently fall back to a default.
 */
export const configSchema = z
  .object({
    /** `dev` seeds the demo tenant and shows captured mail at /dev/outbox; `production` demands real settings. */
    mode: z.enum(['dev', 'production']).default('dev'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Trust X-Forwarded-For from these proxies (Fastify `trustProxy`): false, true, a hop count or a list of addresses/CIDRs. */
        trustProxy: z.union([z.boolean(), z.number().int().nonnegative(), z.array(z.string())]).default(false),
        /** Largest request body in bytes. */
        bodyLimit: z.number().int().positive().default(16 * 1024),
        /**
         * On SIGTERM, how long /readyz answers 503 while requests are still served, so load balancers stop
         * sending new ones before the listener closes. Unset: 5 in production mode, 0 in dev.
         */
        drainDelaySeconds: z.number().min(0).max(300).optional(),
        /** Hard deadline for a shutdown, counted from the signal; past it everything is closed and the exit code is 1. */
        shutdownTimeoutSeconds: z.number().positive().max(600).default(10),
      })
      .strict()
      .prefault({}),
    /** The address people reach Unlatch at; every link is built from it, never from request headers. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Where the embedded database and the generated dev key live. */
    dataDir: z.string().min(1).default('./data'),
    database: z
      .object({
        /** `sqlite:<path>` (default `sqlite:<dataDir>/unlatch.db`) or `postgres://user@host:port/db`. */
        url: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://').optional(),
        /** PostgreSQL pool size. */
        poolSize: z.number().int().positive().default(10),
      })
      .strict()
      .prefault({}),
    secrets: z
      .object({
        /**
         * Master keys, newest first, each at least 32 bytes as base64 or hex. Required in production. Each `secret`
         * may instead be `secretFile` / `secretEnv`; `UNLATCH_SECRET_KEY(_FILE)` or `UNLATCH_SECRETS_KEYS(_FILE)` replace the list.
         */
        keys: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), secret: z.string().min(32) }).strict()).default([]),
      })
      .strict()
      .prefault({}),
    tenants: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
            name: z.string().min(1),
            /** Where the tenant's accounts live, asked in this order; default: the built-in user store. See docs/directories.md. */
            directories: directoriesSchema.optional(),
            /** Who may use the operator console: groups of this tenant's directories mapped to console roles. See docs/console.md. */
            operators: z.array(operatorGrantSchema).default([]),
            /**
             * Usernames the synthetic check (`unlatch synthetic`) resets on purpose: their flows say `canary: true` in the
             * audit and count in `unlatch_canary_*` metrics, not in the user-facing SLIs. See docs/synthetic-check.md.
             */
            canaryAccounts: z.array(z.string().min(1).max(256)).max(100).optional(),
            /** The tenant's look: logo, favicon, primary colour, helpdesk, privacy notice, mail texts. See docs/branding.md. */
            branding: brandingSchema.optional(),
            /**
             * The IANA time zone (e.g. `Europe/Berlin`) in which this tenant's pages show clock times ("valid until 14:05");
             * default `UTC`. A browser running JavaScript shows them in its own zone instead. Checked at start.
             */
            timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Berlin or UTC').optional(),
            /**
             * The language of this tenant's pages and messages when the person chose none and their browser names no
             * loaded language (a folder of `locales/`, e.g. `de`); checked against the loaded languages at start. See docs/languages.md.
             */
            defaultLanguage: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as de or pt-BR').optional(),
            /** The tenant's own risk policy (switch, bands, group rules, proof-of-work mode) over `risk`'s. See docs/risk.md. */
            risk: tenantRiskSchema.optional(),
          })
          .strict(),
      )
      .default([]),
    /** The tenant used when a request names none. */
    defaultTenant: z.string().optional(),
    /** Texts: per-tenant overrides of any catalogue text. See docs/languages.md. */
    i18n: z
      .object({
        /**
         * A folder of `<tenant>/<language>/<namespace>.json` files whose keys replace the installed texts for that tenant
         * only (e.g. `overrides/corp/de/portal.json`); loaded and checked at start, an unknown key stops the start.
         */
        overrides: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    mail: z
      .object({
        /** `outbox` keeps mail in the dev outbox (dev mode only); `smtp` sends it. */
        transport: z.enum(['outbox', 'smtp']).default('outbox'),
        from: z.string().min(3).default('Unlatch <no-reply@localhost>'),
        /** Shown in the "your password was changed" notice as whom to contact. */
        supportContact: z.string().optional(),
        smtp: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(587),
            /** Implicit TLS (port 465). */
            secure: z.boolean().default(false),
            /** Refuse to send unless STARTTLS succeeds. */
            requireTLS: z.boolean().default(true),
            user: z.string().optional(),
            /** Or `passwordFile` (a file holding it) / `passwordEnv` (a variable's name); `UNLATCH_SMTP_PASSWORD(_FILE)`. */
            password: z.string().optional(),
            connectionTimeoutMs: z.number().int().positive().default(10_000),
            tlsRejectUnauthorized: z.boolean().default(true),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    reset: z
      .object({
        codeTtlSeconds: seconds.max(600, 'at most 600 (SECURITY.md: codes live at most 10 minutes)').default(600),
        passwordStepTtlSeconds: seconds.max(3600).default(600),
        maxCodeAttempts: z.number().int().min(1).max(10).default(5),
        codeDigits: z.number().int().min(6).max(10).default(6),
        /** After an LDAP or AD write, bind as the person with the new password; retried with doubling delays (replication lag). */
        postWriteCheck: z
          .object({ attempts: z.number().int().min(0).max(10).default(4), initialDelayMs: z.number().int().min(0).max(10_000).default(250) })
          .strict()
          .prefault({}),
        /** How long one reset, change or unlock may hold its account's lease (two tabs or nodes never interleave). */
        accountLockSeconds: seconds.min(5).max(600).default(60),
      })
      .strict()
      .prefault({}),
    /**
     * Passkeys and security keys (WebAuthn). Unset keys are derived from `publicUrl`: `rpId` its hostname,
     * `origins` its origin (see `src/config/webauthn.ts`). Passkeys are bound to the RP ID for good:
     * changing it later makes every registered passkey unusable.
     */
    webauthn: z
      .object({
        /** The RP ID: a domain equal to, or a parent of, every origin's host (`reset.example.org` or `example.org`). */
        rpId: z.string().min(1).max(253).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'a lowercase domain name').optional(),
        /** The name authenticators show beside the credential (default: "Unlatch"). */
        rpName: z.string().min(1).max(64).default('Unlatch'),
        /** Every origin a ceremony may come from (scheme, host and port; no path). */
        origins: z.array(z.url({ protocol: /^https?$/ })).min(1).optional(),
        /** `required` (default): the authenticator must verify the person (PIN, biometrics). `preferred` also accepts presence alone. */
        userVerification: z.enum(['required', 'preferred']).default('required'),
        /** How long a ceremony's challenge can be answered. */
        challengeTtlSeconds: seconds.min(30).max(600).default(300),
      })
      .strict()
      .prefault({}),
    /** Who may reset, with which methods and how many, per tenant and per group. See docs/policy.md. */
    policy: policySchema,
    /** Sending SMS codes: providers in failover order, and the anti-pumping limits. See docs/sms.md. */
    sms: smsSchema,
    /** Security questions: the questions offered and how many. Off unless the policy allows `questions`. See docs/methods.md. */
    securityQuestions: securityQuestionsSchema,
    password: z
      .object({
        minLength: z.number().int().min(8, 'NIST SP 800-63B: at least 8').max(64).default(8),
        maxLength: z.number().int().min(64, 'NIST SP 800-63B: allow at least 64').max(1024).default(256),
        minScore: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
        /** A newline-separated file of forbidden passwords; default: the shipped common-password list. */
        blocklistFile: z.string().optional(),
        /**
         * Offline check against the Pwned Passwords list: filter files built by `unlatch breached import`. `file` (SHA-1)
         * is checked at every password step; `ntlmFile` serves AD audits only. Missing or damaged files stop the start.
         * See docs/breached-passwords.md.
         */
        breachedFilter: z
          .object({ file: z.string().min(1), ntlmFile: z.string().min(1).optional(), pollSeconds: z.number().int().min(1).max(3600).default(30) })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    rateLimits: z
      .object({
        start_ip: bucket(30, 900),
        start_identifier: bucket(5, 900),
        start_tenant: bucket(10_000, 60),
        send_destination: bucket(5, 3600),
        verify_ip: bucket(60, 900),
        verify_identifier: bucket(15, 900),
        password_ip: bucket(60, 900),
        change_ip: bucket(30, 900),
        change_identifier: bucket(10, 900),
        /** Tests of one registered method on the security info page or API (per method): 5 per 10 minutes. */
        method_test: bucket(5, 600),
        /** Confirmation codes for new contact addresses (phone or email), per account: 5 per hour. */
        contact_register: bucket(5, 3600),
        /** Consecutive failed proofs per account, across flows and methods; a success clears it. NIST SP 800-63B: at most 100. */
        proof_failures: z
          .object({ points: z.number().int().positive().max(100, 'at most 100 (NIST SP 800-63B: consecutive failed proofs per account)'), durationSeconds: seconds })
          .strict()
          .default({ points: 20, durationSeconds: 900 }),
        /**
         * Where the counters live: `memory` (one node; forgotten on restart), `redis` or `postgres` (shared by every
         * node, kept across restarts). Unset means memory, which production mode on PostgreSQL refuses. See docs/rate-limits.md.
         */
        store: z.enum(['memory', 'redis', 'postgres']).optional(),
        redis: z
          .object({
            /** `redis://[:password@]host:port[/db]` or `rediss://…`; `UNLATCH_REDIS_URL` sets it too. Never logged. */
            url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
            /** Put before every key, so several deployments can share one Redis. */
            keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash or underscore; at most 64').default('unlatch'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        pollIntervalMs: z.number().int().min(10).default(500),
        batchSize: z.number().int().min(1).max(500).default(50),
        maxAttempts: z.number().int().min(1).default(12),
        /** First retry delay; it doubles per attempt up to `maxBackoffSeconds`. */
        backoffSeconds: z.number().positive().default(5),
        maxBackoffSeconds: z.number().positive().default(1800),
        /** Delivered and given-up messages are deleted after this many days (the audit log keeps the record). */
        retentionDays: z.number().int().min(1).default(7),
        /** Run the delivery worker inside the server process. */
        inProcess: z.boolean().default(true),
        /**
         * How long a worker's claim on a message lasts; it renews it every third of that while it works. A node
         * that dies leaves claims another node takes over once this has passed.
         */
        claimSeconds: z.number().int().min(1).max(600).default(15),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Append every audit entry, as one JSON line, to this file: shorthand for a `jsonl` sink named `file`. */
        exportFile: z.string().min(1).optional(),
        /** Audit streams to SIEMs (JSON lines, syslog, HTTPS webhook), any number at once. See docs/siem.md. */
        sinks: auditSinksSchema,
        /**
         * Parallel hash chains the audit log is written to (1–64). Each transaction appends to one, picked at
         * random, so nodes on PostgreSQL do not all wait on one head row; `unlatch audit verify` checks each.
         */
        chains: z.number().int().min(1).max(64).default(8),
        /**
         * Repeated rate-limit refusals of a reset from one address (per tenant, limit and flow) within this many seconds
         * are written as the first refusal plus one entry counting the rest (`repeated`); 0 writes one entry per refusal.
         * Keeps a flood from costing a hash-chained write per request. The refusal metric counts every one.
         */
        refusalWindowSeconds: z.number().int().min(0).max(3600).default(60),
      })
      .strict()
      .refine((audit) => !exportFileClashes(audit), { message: 'exportFile is the sink named "file"; rename the listed one', path: ['sinks'] })
      .prefault({}),
    admin: adminSchema.prefault({}),
    /** Getting everyone to register methods: reminders, a deadline, the `/enroll` interrupt. See docs/enrolment.md. */
    enrolment: enrolmentSchema,
    /** The reminder job: enrolment and password expiry reminders. See docs/enrolment.md. */
    reminders: remindersSchema,
    /** The console's helpdesk: caller checks, its actions, two operators for protected people. See docs/helpdesk.md. */
    helpdesk: helpdeskSchema,
    /** The Prometheus endpoint and figures beside the counts. See docs/observability.md. */
    metrics: metricsSchema,
    /** Who is alerted when a person reports a change as not theirs. See docs/fraud-reports.md. */
    security: securitySchema,
    /** Optional parts of the portal (the anonymous friction rating). See docs/fraud-reports.md. */
    portal: portalSchema,
    /** Post-reset hooks: revoke sessions elsewhere (Keycloak, Okta, Microsoft Graph, OIDC back-channel logout, a signed webhook). See docs/hooks.md. */
    hooks: hooksSchema,
    /** The risk engine at the start of a reset: signals, weights, bands, reputation lists, GeoIP. See docs/risk.md. */
    risk: riskSchema,
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict();

export type UnlatchConfig = z.infer<typeof configSchema>;
export type RawConfig = z.input<typeof configSchema>;
