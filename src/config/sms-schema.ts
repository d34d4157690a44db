import { z } from 'zod';

/** A provider label for logs and metrics; also what `onAttempt` reports. */
const providerName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, _ and -, at most 32');

/** Deadline of one provider attempt, answer included: long enough for a slow API, short enough for a person waiting. */
const timeoutMs = z.number().int().min(100).max(30_000).default(5_000);

/** One rate-limit window: `points` sends per `durationSeconds` per key. */
const window = (points: number, durationSeconds: number) =>
  z
    .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
    .strict()
    .default({ points, durationSeconds });

/** A daily budget: sends per tenant per 24 h; 0 turns SMS off. */
const budget = z.number().int().nonnegative();

/**
 * A generic HTTP/JSON gateway. Unlatch POSTs `{ to, text, idempotencyKey }` as JSON and expects a 2xx
 * with `{ id }`. See docs/sms.md for the full contract.
 */
export const webhookSmsProviderSchema = z
  .object({
    type: z.literal('webhook'),
    /** Label for logs and metrics; default `webhook` (`webhook-2`, … when several). */
    name: providerName.optional(),
    /** The endpoint. Use https unless it is on a trusted network (the body holds the code). */
    url: z.url({ protocol: /^https?$/ }),
    /** Sent as `Authorization: Bearer <token>`. Or `tokenFile` (a file holding it) / `tokenEnv` (a variable's name). */
    token: z.string().min(1).optional(),
    /**
     * Signs every body: `X-Unlatch-Signature: sha256=<hex HMAC-SHA256>`; at least 32 characters (e.g. `openssl rand -hex 32`).
     * Or `signingSecretFile` / `signingSecretEnv`.
     */
    signingSecret: z.string().min(32, 'at least 32 characters').optional(),
    timeoutMs,
  })
  .strict();

/** Twilio, or a service that speaks the Twilio Messages API. */
export const twilioSmsProviderSchema = z
  .object({
    type: z.literal('twilio'),
    /** Label for logs and metrics; default `twilio` (`twilio-2`, … when several). */
    name: providerName.optional(),
    /** The account SID (`AC…`); part of the request path, so letters, digits, _ and - only. */
    accountSid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only'),
    /** The auth token. Or `authTokenFile` (a file holding it) / `authTokenEnv` (a variable's name): see `secret-sources.ts`. */
    authToken: z.string().min(1),
    /** The sending number (E.164) or alphanumeric sender id. Exactly one of `from` / `messagingServiceSid`. */
    from: z.string().min(1).max(32).optional(),
    /** A Messaging Service SID (`MG…`), instead of `from`. */
    messagingServiceSid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').optional(),
    /** The API origin; change it only for a Twilio-compatible service. */
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
    timeoutMs,
    /** Header carrying a digest of the message's idempotency key, for services that dedupe on it; `false` sends none. */
    idempotencyHeader: z
      .union([z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name'), z.literal(false)])
      .default('Idempotency-Key'),
  })
  .strict()
  .refine((p) => !p.from !== !p.messagingServiceSid, { message: 'set exactly one of from / messagingServiceSid', path: ['from'] });

/** One configured provider. */
export const smsProviderSchema = z.discriminatedUnion('type', [webhookSmsProviderSchema, twilioSmsProviderSchema]);

/**
 * `sms:` — sending SMS codes (the `sms_code` method). No providers means SMS is off.
 * See docs/sms.md for worked examples and why each limit exists.
 */
export const smsSchema = z
  .object({
    /** Tried in this order; a timeout or transient error fails over to the next, a permanent one stops. */
    providers: z.array(smsProviderSchema).max(10).default([]),
    /** Anti-pumping limits (SMS pumping / toll fraud), checked before any provider is called. */
    limits: z
      .object({
        /** Sends to one phone number, across tenants. Default 3 per hour. */
        perDestination: window(3, 3600),
        /** Sends to one calling-code prefix (`+44`, `+1876`, …), across tenants. Default 100 per hour. */
        perCountryPrefix: window(100, 3600),
        /** Sends per tenant per 24 hours (counted from the first send). Default 500; 0 turns SMS off. */
        dailyBudgetPerTenant: budget.default(500),
        /** Budgets of individual tenants, by tenant id, instead of `dailyBudgetPerTenant`. */
        tenantBudgets: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a tenant id'), budget).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({})
  .superRefine((sms, ctx) => {
    const seen = new Set<string>();
    for (const [index, name] of providerNames(sms.providers).entries()) {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', message: `provider name "${name}" is used twice`, path: ['providers', index, 'name'] });
      seen.add(name);
    }
  });

export type SmsConfig = z.infer<typeof smsSchema>;
export type SmsProviderConfig = z.infer<typeof smsProviderSchema>;

/**
 * The label of each provider: its `name`, or its type, numbered from the second of a type
 * (`twilio`, `twilio-2`). Used by the schema's uniqueness check and by the provider factory.
 */
export function providerNames(providers: ReadonlyArray<{ type: string; name?: string | undefined }>): string[] {
  const perType = new Map<string, number>();
  return providers.map((p) => {
    const count = (perType.get(p.type) ?? 0) + 1;
    perType.set(p.type, count);
    return p.name ?? (count === 1 ? p.type : `${p.type}-${count}`);
  });
}
