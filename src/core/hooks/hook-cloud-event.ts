import type { HookEvent, HookPreset } from './hook-events.js';

/** One hook event as the delivery reads it from its outbox row, with the person's identifier looked up. */
export interface HookDeliveryEvent {
  /** The hook's configured name. */
  hook: string;
  preset: HookPreset;
  event: HookEvent;
  /** The audit entry's id: the same for every hook and every retry, for de-duplication. */
  eventId: string;
  /** When it happened (ms since the epoch). */
  at: number;
  tenantId: string;
  /** Who acted: `self`, `helpdesk`, `system`, `cli`. */
  actor: string;
  flowId: string | null;
  /** The account's id in its directory. */
  accountId: string;
  /** The identifier the hook is configured to send (`subject`), and which one it is. */
  subject: { type: string; value: string };
}

/**
 * The generic webhook's body: a CloudEvents 1.0 structured-mode event. `id` is the audit entry's id, stable
 * across redeliveries (receivers de-duplicate on `source` + `id`); `subject` is the person's identifier of
 * the configured kind. Nothing secret: no password, code or token, only who and what happened.
 */
export function hookCloudEvent(event: HookDeliveryEvent, source: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: event.eventId,
    source,
    type: `io.unlatch.hook.${event.event}`,
    subject: event.subject.value,
    time: new Date(event.at).toISOString(),
    datacontenttype: 'application/json',
    data: {
      event: event.event,
      hook: event.hook,
      tenantId: event.tenantId,
      accountId: event.accountId,
      subject: event.subject,
      actor: event.actor,
      flowId: event.flowId,
    },
  };
}
