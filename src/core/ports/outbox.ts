/** The messages core asks to send; rendering and delivery belong to the worker and its adapters. */
/** `sms_code` is a text message with a code (a reset's second proof, or confirming a new phone number). */
/** `enrolment_reminder` / `expiry_reminder`: a person is asked to register methods / change a password that expires soon. */
/** `contacts_imported` tells a person the organisation added contact data (an HR import or directory sync) to their methods. */
/** `helpdesk_action` tells a person (mail and SMS) what the helpdesk did to their account: unlock, a pass, a one-time password, a removed method. */
/** `fraud_alert` tells the configured security mailboxes (`security.alertEmails`) that a person reported a change as not theirs. */
/** `incident_notice` tells a person an incident forced a new password on them, and how to set it (docs/incident-response.md). */
/** `review_decided` tells a person an operator approved (go back and set the password) or rejected their held reset. */
/** `report_ready` is a scheduled console report to an operator-configured recipient, its CSV attached. */
export type NoticeTemplate = 'reset_code' | 'address_code' | 'password_changed' | 'account_unlocked' | 'methods_changed' | 'contacts_imported' | 'audit_entry' | 'sms_code' | 'report_ready' | 'enrolment_reminder' | 'expiry_reminder' | 'helpdesk_action' | 'hook_event' | 'fraud_alert' | 'incident_notice' | 'review_decided';

/**
 * `email` goes to a person; `sms` is a text message to a phone (E.164), sent through the configured SMS
 * providers; `audit` is an audit entry on its way to the configured export (SIEM); `hook` is an event on its
 * way to a configured post-reset hook (`to` is the hook's name; see docs/hooks.md).
 */
export type OutboxChannel = 'email' | 'sms' | 'audit' | 'hook';

export interface OutboxMessageInput {
  channel: OutboxChannel;
  template: NoticeTemplate;
  tenantId: string;
  to: string;
  /** Template data. May hold a code: adapters encrypt it at rest and erase it after delivery. */
  data: Record<string, string | number | null>;
  /** Delivery is at-least-once; downstream dedupes on this. */
  idempotencyKey: string;
  /**
   * A stand-in for a message to an account that does not exist: it is queued, sealed and rendered like
   * a real one, then dropped, so neither response times nor the worker's load tell accounts apart.
   */
  decoy?: boolean;
  /** Flow and subject for the delivery's audit entry. */
  flowId?: string | null;
  subjectId?: string | null;
}

/** Enqueues messages inside the caller's transaction. */
export interface OutboxWriter {
  enqueue(message: OutboxMessageInput): Promise<void>;
}
