/**
 * The one registry of error codes: code → HTTP status → message key.
 * HTTP maps these centrally (problem JSON for the API, a page for the portal);
 * core never speaks HTTP, it only names the code.
 */
export const ERROR_CODES = {
  /** Request body or parameters are malformed (missing field, wrong type, unknown field, too large). */
  invalid_request: { status: 400, messageKey: 'errors.invalid_request' },
  /** The flow does not exist, expired, was superseded or already finished. Deliberately one code: no oracle. */
  flow_invalid: { status: 410, messageKey: 'errors.flow_invalid' },
  /** The flow is not at the step the request is for. */
  flow_wrong_step: { status: 409, messageKey: 'errors.flow_wrong_step' },
  /** The code was wrong; the flow still lives. */
  code_invalid: { status: 422, messageKey: 'errors.code_invalid' },
  /**
   * The right code of the person's own authenticator app, for a 30-second step already used (often the code that
   * just registered the app): wait for the next code. It costs no attempt; a wrong code or a decoy's never gets it.
   */
  code_already_used: { status: 422, messageKey: 'errors.code_already_used' },
  /** Too many wrong codes: the flow is dead and a new reset must start. */
  code_attempts_exceeded: { status: 410, messageKey: 'errors.code_attempts_exceeded' },
  /** The new password breaks the password rules; `reasons` says which. */
  password_rejected: { status: 422, messageKey: 'errors.password_rejected' },
  /** Current password wrong, or no such account: one answer for both. */
  invalid_credentials: { status: 401, messageKey: 'errors.invalid_credentials' },
  // The password is right but was set to be changed first (a helpdesk's one-time password): only /change takes it.
  password_change_required: { status: 403, messageKey: 'errors.password_change_required' },
  /** A rate limit was hit; `retryAfterSeconds` says when to try again. */
  rate_limited: { status: 429, messageKey: 'errors.rate_limited' },
  /** Someone else changed the flow between load and save. */
  conflict: { status: 409, messageKey: 'errors.conflict' },
  /** The directory holding the password cannot be reached. */
  directory_unavailable: { status: 503, messageKey: 'errors.directory_unavailable' },
  /** The store (database) cannot be reached. */
  store_unavailable: { status: 503, messageKey: 'errors.store_unavailable' },
  /** No signed-in session, or it expired, was revoked or still needs a method proven. */
  session_invalid: { status: 401, messageKey: 'errors.session_invalid' },
  /** The policy needs this method: register another one before removing it. */
  method_required: { status: 409, messageKey: 'errors.method_required' },
  /** The phone number is already one of the person's methods: the same number twice would count as two. */
  method_exists: { status: 409, messageKey: 'errors.method_exists' },
  /** The person's policy does not allow this kind of method (security questions where they are off). */
  method_not_allowed: { status: 403, messageKey: 'errors.method_not_allowed' },
  /** The CSRF token of a form was missing or wrong. */
  csrf_invalid: { status: 403, messageKey: 'errors.csrf_invalid' },
  /** No such route or resource. */
  not_found: { status: 404, messageKey: 'errors.not_found' },
  /** The operator is not signed in to the console, or their session ended (idle or past its lifetime). */
  admin_session_invalid: { status: 401, messageKey: 'errors.admin_session_invalid' },
  /** The operator's roles do not cover this console area or tenant. */
  forbidden: { status: 403, messageKey: 'errors.forbidden' },
  /** The operator has no strong method (passkey or authenticator app) registered: the console refuses them until they do. */
  operator_method_missing: { status: 403, messageKey: 'errors.operator_method_missing' },
  /** The organisation's OIDC provider refused or botched a console sign-in (`reason` says why; audited). */
  sso_failed: { status: 401, messageKey: 'errors.sso_failed' },
  /** The organisation's OIDC provider cannot be reached (discovery or token endpoint); `retryAfterSeconds`. */
  sso_unavailable: { status: 503, messageKey: 'errors.sso_unavailable' },
  /** An audit log verification is already running (on this node or another): wait for it to finish. */
  audit_verification_running: { status: 409, messageKey: 'errors.audit_verification_running' },
  /** A helpdesk action needs a passed check of the caller by this agent, still valid (`helpdesk.checkValidMinutes`). */
  helpdesk_check_required: { status: 403, messageKey: 'errors.helpdesk_check_required' },
  /** A helpdesk request cannot be decided by the operator who made it: another operator must. */
  helpdesk_self_approval: { status: 403, messageKey: 'errors.helpdesk_self_approval' },
  /**
   * The start needs a solved proof-of-work challenge (or a finished no-JavaScript wait) and the request carried none,
   * or a wrong, expired or already used one. 428: the request may be repeated once it carries one; the problem holds a
   * fresh `challenge` and a `waitTicket` with its `waitSeconds`. The same for every identifier (asked before any lookup).
   */
  proof_of_work_required: { status: 428, messageKey: 'errors.proof_of_work_required' },
  /** Anything unexpected; details go to the log, never to the client. */
  internal: { status: 500, messageKey: 'errors.internal' },
} as const satisfies Record<string, { status: number; messageKey: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Refusals a flood gets, answered without a stack trace (nothing went wrong in Unlatch). */
const WITHOUT_STACK: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate_limited', 'proof_of_work_required']);

/** The typed error core throws for the exceptional; expected verification failures are results, not throws. */
export class UnlatchError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, message?: string) {
    // A flood is answered with these by the thousand; their stack would say nothing and cost time.
    const stackLimit = Error.stackTraceLimit;
    if (WITHOUT_STACK.has(code)) Error.stackTraceLimit = 0;
    super(message ?? code);
    Error.stackTraceLimit = stackLimit;
    this.name = 'UnlatchError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isUnlatchError(value: unknown): value is UnlatchError {
  return value instanceof UnlatchError;
}
