/** What happened, in one vocabulary shared by audit entries, logs and metrics. */
export type AuditEvent =
  | 'reset.started'
  | 'reset.code_sent'
  | 'reset.code_send_failed'
  | 'reset.code_failed'
  | 'reset.code_verified'
  | 'reset.attempts_exceeded'
  | 'reset.password_rejected'
  | 'reset.completed'
  | 'reset.rate_limited'
  /**
   * An account reached its cap of consecutive failed proofs (`proof_failures`): self-service proofs for it pause
   * until the window runs out (each refusal meanwhile is a `reset.rate_limited` with that bucket). Once per pause.
   */
  | 'reset.proofs_paused'
  | 'reset.send_suppressed'
  /** The proofs were complete but the risk engine said `hold`: the flow waits for an operator (`score`, `reasons`, `expiresAt`). */
  | 'reset.review_held'
  /** An operator approved a held flow (`note`, `flowId`); the person may now set the password (or unlock). */
  | 'reset.review_approved'
  /** An operator rejected a held flow (`note`, `flowId`); the flow is dead. `denied` for one's own account. */
  | 'reset.review_rejected'
  /** The directory could not be reached while writing; nothing was written, the flow stays at its step. */
  | 'reset.directory_unavailable'
  /** After a directory write: did signing in with the new password work (`details.tries`)? */
  | 'reset.sign_in_checked'
  /** An unlock flow ended: the account's lockout was cleared, its password unchanged. */
  | 'account.unlocked'
  | 'password.changed'
  | 'password.change_failed'
  | 'password.change_rejected'
  | 'password.change_rate_limited'
  | 'notice.sent'
  | 'notice.send_failed'
  | 'method.registration_started'
  | 'method.confirm_failed'
  | 'method.added'
  | 'method.removed'
  | 'method.remove_refused'
  | 'method.backup_codes_generated'
  /**
   * The organisation added contact data to a person's methods (`unlatch methods import` from an HR file, or
   * `methods sync` from directory attributes): one entry per person, `source`, `confirmed`, the masked values.
   */
  | 'method.imported'
  /** A passkey's signature counter did not increase: possibly a cloned authenticator (the assertion was refused). */
  | 'method.passkey_clone_suspected'
  | 'method.reviewed'
  /** A person gave one of their methods a new label (`kind`, `methodId`; never the names). */
  | 'method.renamed'
  /** A test of a method began: a code texted or mailed to it (masked), or passkey options issued; denied by a send limit. */
  | 'method.test_started'
  /** A person tested one of their methods: success (it works), failure (wrong code or assertion, with `reason`), denied (too many tries). */
  | 'method.tested'
  | 'signin.password_ok'
  | 'signin.failed'
  | 'signin.completed'
  | 'signin.proof_failed'
  /** A sign-in code was texted to one of the person's phones (masked), or held back by the SMS limits. */
  | 'signin.sms_sent'
  | 'signin.sms_suppressed'
  | 'signin.signed_out'
  /** Sessions ended because the password changed (`details.count`, `details.reason`: `password_reset` or `password_changed`). */
  | 'sessions.revoked'
  | 'user.created'
  | 'user.imported'
  /** An identifier matched accounts in several of a tenant's directories: treated as no match. */
  | 'directory.ambiguous_match'
  /** A new password was copied (`alsoWriteTo`) to a secondary directory; outcome success or failure. */
  | 'directory.secondary_write'
  /** Console sign-in: the password step passed (a strong method must follow), it failed (`reason`), or it completed (`method`, or `via: oidc`). */
  | 'admin.signin_password_ok'
  | 'admin.signin_failed'
  | 'admin.signin_completed'
  | 'admin.signed_out'
  /** A sensitive read in the console or admin API: a person's page or trail, an audit entry (`what`, `subjectId`). */
  | 'admin.viewed'
  /** An export of audit entries or a report (`what`, `format`, the search, `count`). */
  | 'admin.exported'
  /** The audit log's chains were verified from the console (`result`, `entries`). */
  | 'admin.audit_verified'
  /** An operator ran a directory check, a policy simulation or another console action (`action`). */
  | 'admin.action'
  /** An admin API token was created or revoked (`tokenId`, `role`, `tenants`; never the token). */
  | 'admin.token_created'
  | 'admin.token_revoked'
  /** A helpdesk agent began checking a caller (`kind`, `methodId`, `ticket`): a code sent, or one asked for; denied by a limit. */
  | 'helpdesk.check_started'
  /** A caller check ended: success (passed), failure (`reason`: wrong, expired, used, replayed, attempts), denied (a limit). */
  | 'helpdesk.checked'
  /** A helpdesk action after a passed check (`action`, `ticket`, `checkId`; never a password or pass). */
  | 'helpdesk.action'
  /** An action on a protected person asked for a second operator (`requestId`, `action`, `ticket`). */
  | 'helpdesk.requested'
  /** A second operator approved or refused a request (`decision`); `denied` for one's own request. */
  | 'helpdesk.request_decided'
  /** A request ran out: not decided in time, or approved and not used in time (`state`). */
  | 'helpdesk.request_expired'
  /**
   * A person confirmed a "this wasn't me" link (`event`: the notice it came in): self-service paused for the
   * account, live resets ended, the flow labelled fraud, operators alerted (`alerted`: how many mailboxes).
   */
  | 'fraud.reported'
  /** An operator labelled a flow or change `fraud` or `legitimate` (`label`, `entryId`, `entryEvent`, `released`). */
  | 'fraud.labelled'
  /** An operator ended an account's self-service hold (`reason` it was held for). */
  | 'fraud.hold_released'
  /** An enrolment reminder was queued for a person without enough methods (`round`: r1…, o1… when overdue). */
  | 'reminder.enrolment_sent'
  /** A password expiry reminder was queued (`round`, `threshold` days, `expiresAt`). */
  | 'reminder.expiry_sent'
  /** A post-reset hook took an event (`hook`, `preset`, `event`, `attempts`); see docs/hooks.md. */
  | 'hook.delivered'
  /** A post-reset hook was given up on after its retries, or refused the event for good (`hook`, `preset`, `event`, `reason`). */
  | 'hook.failed'
  /** A surge of starts switched the tenant to proof-of-work for everyone (`windowRate`, `baselineRate`, `surgeRate` per minute). */
  | 'risk.attack_mode_entered'
  /** The start rate stayed below the surge rate for the cool-down: attack mode ended (the same figures). */
  | 'risk.attack_mode_left'
  /** An operator forced attack mode on or off, or handed it back to the rules (`override`: on, off, auto). */
  | 'risk.attack_mode_forced'
  /** An operator started a forced reset after an incident (`incident`, `mode`, `source`, `people`, `expiresAt`); docs/incident-response.md. */
  | 'incident.started'
  /** An operator's dry run of one: who would be affected (`incident`, `people`, `skipped`); nothing changed. */
  | 'incident.dry_run'
  /** One person of an incident: must-change marked, held or made stricter, sessions ended, told (`incident`, `mode`, `mustChange`, `sessionsEnded`, `notices`). */
  | 'incident.person_reset'
  /** An incident's job went through its list (`incident`, `done`, `failed`, `skipped`). */
  | 'incident.finished'
  /** An operator ended an incident's holds or stricter policy early (`incident`, `holds`, `overrides`). */
  | 'incident.ended';

export type AuditOutcome = 'success' | 'failure' | 'decoy' | 'denied';

/** One entry to append. Never holds a password, code, token or secret. */
export interface AuditEntryInput {
  event: AuditEvent;
  outcome: AuditOutcome;
  tenantId: string;
  /** Account id, when one is known. */
  subjectId?: string | null;
  /** Who acted: 'self', 'system', 'cli', an admin's name. */
  actor: string;
  flowId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  correlationId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the hash chain inside the caller's transaction. */
export interface AuditAppender {
  append(entry: AuditEntryInput): Promise<void>;
}
