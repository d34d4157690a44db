import type { OutboxMessageInput } from '../ports/outbox.js';

/**
 * What a post-reset hook may subscribe to: the moments after which sessions elsewhere should end. The names
 * are the audit events they come from, so the audit trail, the hook and its outcome speak one vocabulary.
 */
export const HOOK_EVENTS = ['reset.completed', 'password.changed', 'account.unlocked', 'method.added', 'method.removed'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** The kinds of hook (config `hooks[].type`): one preset per target API, plus the generic signed webhook. */
export const HOOK_PRESETS = ['webhook', 'keycloak', 'okta', 'microsoft-graph', 'oidc-backchannel'] as const;
export type HookPreset = (typeof HOOK_PRESETS)[number];

/** Which hook hears which events: the part of a hook's configuration the enqueueing side needs. */
export interface HookRoute {
  name: string;
  preset: HookPreset;
  events: readonly HookEvent[];
  /** Only these tenants' events; absent: every tenant. */
  tenants?: readonly string[] | undefined;
}

/** An audit entry as it is appended (its global `seq` and `id` known), with its details as given. */
export interface HookSourceEntry {
  seq: number;
  id: string;
  at: number;
  tenantId: string;
  event: string;
  outcome: string;
  actor: string;
  subjectId: string | null;
  flowId: string | null;
  details: Record<string, unknown>;
}

/** The helpdesk's actions (`helpdesk.action`, `details.action`) that amount to a hook event. */
const HELPDESK_ACTIONS: Readonly<Record<string, HookEvent>> = {
  one_time_password: 'reset.completed',
  unlock: 'account.unlocked',
  remove_method: 'method.removed',
};

const DIGITS = 16;

/** The outbox key of entry `seq` for hook `name`: stable, so a retried transaction never queues a hook twice. */
export function hookKey(name: string, seq: number): string {
  return `${hookKeyPrefix(name)}${String(seq).padStart(DIGITS, '0')}`;
}

/** What every outbox key of hook `name` starts with (for the console's per-hook counts). */
export function hookKeyPrefix(name: string): string {
  return `hook:${name}:`;
}

/**
 * The hook event an audit entry stands for, or null. Only successes of a real account count; a pending
 * imported value being dropped is not a method change the person made (it was never a method). The
 * synthetic check's canary (`canary: true`) resets every few minutes and is no person: its resets call no
 * hook (a canary unknown to the targets would page someone every run).
 */
export function hookEventOf(entry: HookSourceEntry): HookEvent | null {
  if (entry.outcome !== 'success' || entry.subjectId === null || entry.details.canary === true) return null;
  if (entry.event === 'helpdesk.action') return HELPDESK_ACTIONS[String(entry.details.action)] ?? null;
  // An incident's forced reset ends the person's sessions elsewhere as a reset does (docs/incident-response.md).
  if (entry.event === 'incident.person_reset') return 'reset.completed';
  if (entry.event === 'method.removed' && entry.details.pending === true) return null;
  return (HOOK_EVENTS as readonly string[]).includes(entry.event) ? (entry.event as HookEvent) : null;
}

/**
 * The outbox rows an appended entry asks for: one per hook that subscribed to its event (and its tenant).
 * Pure and cheap: no hook configured, or an event nobody hears, costs a few comparisons and no query.
 * The row carries no identifier of the person beyond the account id; the delivery looks up what the
 * target needs (username, address, UPN) then, and never anything secret.
 */
export function hookMessagesOf(routes: readonly HookRoute[], entry: HookSourceEntry): OutboxMessageInput[] {
  if (routes.length === 0) return [];
  const event = hookEventOf(entry);
  if (event === null) return [];
  return routes
    .filter((route) => route.events.includes(event) && (!route.tenants || route.tenants.includes(entry.tenantId)))
    .map((route) => ({
      channel: 'hook',
      template: 'hook_event',
      tenantId: entry.tenantId,
      to: route.name,
      data: {
        event,
        preset: route.preset,
        // The audit entry's id names the event: the same for every hook and every retry (receivers de-duplicate on it).
        eventId: entry.id,
        seq: entry.seq,
        at: entry.at,
        actor: entry.event === 'helpdesk.action' ? 'helpdesk' : entry.actor,
      },
      idempotencyKey: hookKey(route.name, entry.seq),
      flowId: entry.flowId,
      subjectId: entry.subjectId,
    }));
}
