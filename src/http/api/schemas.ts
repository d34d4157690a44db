/**
 * Shared JSON schemas of the API. Every string has a type and length limits, every object refuses
 * unknown keys: with Fastify's ajv set to coerceTypes=false and removeAdditional=false, an array,
 * object or number where a string belongs, a missing field or an unknown field is a 400, never a 500
 * and never silently "fixed" (SECURITY.md: one value per field, the GitLab CVE-2023-7028 class).
 */

/** Tenant ids as the config allows them (`src/config/schema.ts`). */
export const tenantSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'Tenant id; the configured default tenant when omitted.',
} as const;

/** Username or email; core normalizes (NFKC, trim, case-fold) and checks the length again. */
export const identifierSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  description: 'Username or email address of the account.',
} as const;

/** An app's own device id for the risk engine's device signal (the portal uses its cookie instead). */
export const deviceSchema = {
  type: 'string',
  minLength: 22,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]{22,64}$',
  description:
    'A random id the app keeps for this device or installation (base64url, 22–64 characters; e.g. 16 random bytes). ' +
    'A start from a device on which the account never completed a reset scores higher (docs/risk.md); only an HMAC ' +
    'of it per account is kept. Leave it out when the app cannot keep one.',
} as const;

/**
 * Passwords get a ceiling far above any configurable `password.maxLength` (at most 1024), so the
 * password rules, not the schema, answer a long password with a `too_long` reason the user can read.
 * NIST SP 800-63B: never truncated.
 */
export const passwordSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 4096,
} as const;

/** The code from the email; core trims it and checks digits and length in constant time. */
export const codeSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 32,
  description: 'The numeric code from the email.',
} as const;

/** The flow id is a base64url bearer secret (192 bits); anything else is malformed. */
export const flowIdParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId'],
  properties: {
    flowId: {
      type: 'string',
      minLength: 16,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'The flow id returned by POST /api/v1/reset. A bearer secret: keep it out of logs and URLs you share.',
    },
  },
} as const;

export const expiresAtSchema = {
  type: 'string',
  format: 'date-time',
  description: 'When the current step of the flow expires (ISO 8601, UTC).',
} as const;

const reasonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      enum: ['too_short', 'too_long', 'not_printable', 'too_common', 'breached', 'contains_context', 'too_weak', 'in_history', 'too_young', 'account_locked', 'must_change', 'directory_policy'],
    },
    message: { type: 'string', description: "What to change, in plain words of the request's language (the unlatch_lang cookie, else Accept-Language)." },
    params: {
      type: 'object',
      description: "Only for a rule the directory itself stated (e.g. Active Directory's complexity or history): its numbers, `directory` (which kind), `rule`, and `detail`, the same sentence as `message`.",
      additionalProperties: { type: ['string', 'number'] },
    },
  },
} as const;

/**
 * RFC 9457 problem details with the stable `code`. Extensions (`attemptsLeft`, `reasons`,
 * `retryAfterSeconds`) are listed so clients see them; `additionalProperties` stays open so the
 * serializer never drops a member the central mapping adds.
 */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  additionalProperties: true,
  properties: {
    type: { type: 'string', description: 'urn:unlatch:problem:<code>' },
    title: { type: 'string', description: 'A human-readable summary, from the message catalogue.' },
    status: { type: 'integer' },
    code: {
      type: 'string',
      description:
        'Stable error code: invalid_request, flow_invalid, flow_wrong_step, code_invalid, code_already_used, code_attempts_exceeded, ' +
        'password_rejected, invalid_credentials, rate_limited, conflict, method_required, method_exists, session_invalid, directory_unavailable, store_unavailable, not_found, internal.',
    },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The correlation id of the request.' },
    attemptsLeft: { type: 'integer', description: 'With code_invalid and code_already_used: wrong codes left before the flow ends.' },
    retryAfterSeconds: { type: 'integer', description: 'With rate_limited and every 503: same as the Retry-After header.' },
    reasons: { type: 'array', items: reasonSchema, description: 'With password_rejected: every rule the password breaks.' },
  },
} as const;

/** A proof choice's `label`: words for a person, so in their language; clients switch on `method`. */
export const choiceLabelSchema = {
  type: 'string',
  description: "What to show the person, in the request's language (the unlatch_lang cookie, Accept-Language, the tenant's default, English); switch on `method`, never on this.",
} as const;

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: missing, unknown or mistyped field, invalid JSON (code invalid_request).',
  401: 'Wrong identifier or current password (code invalid_credentials).',
  404: 'No such route (code not_found).',
  409: 'The flow is not at this step, or changed concurrently (codes flow_wrong_step, conflict); for methods, method_required or method_exists.',
  410: 'The flow expired, was superseded, finished, or had too many wrong codes (codes flow_invalid, code_attempts_exceeded).',
  413: 'Request body too large (code invalid_request).',
  415: 'Content-Type is not application/json (code invalid_request).',
  422: 'The code or the new password was refused (codes code_invalid, code_already_used, password_rejected).',
  429: 'Rate limited; see Retry-After (code rate_limited). Same answer whether or not the account exists.',
  500: 'Unexpected failure (code internal).',
  503: 'Directory or store unreachable; see Retry-After (codes directory_unavailable, store_unavailable).',
};

/** Problem statuses every JSON POST can answer. */
export const COMMON_POST_PROBLEMS = [400, 413, 415, 429, 500, 503] as const;

/** Response schema entries for problem statuses, as `application/problem+json`. */
export function problemResponses(statuses: readonly number[]): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const status of statuses) {
    responses[String(status)] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      ...(status === 429 || status === 503 ? { headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before trying again.' } } } : {}),
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  return responses;
}

/** A JSON object schema that refuses unknown keys; `description` names a response in the OpenAPI document. */
export function strictObject(properties: Record<string, unknown>, required: readonly string[], description?: string): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required: [...required], properties, ...(description ? { description } : {}) };
}
