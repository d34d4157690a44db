import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Directory } from '../../core/ports/directory.js';
import type { HookDeliveryEvent } from '../../core/hooks/hook-cloud-event.js';
import { HOOK_EVENTS, type HookEvent } from '../../core/hooks/hook-events.js';
import { hookSubjectOf } from '../../core/hooks/hook-subject.js';
import { subjectOf } from '../../config/hooks-schema.js';
import { withSpan } from '../observability/tracing-spans.js';
import type { ClaimedMessage, Settlement } from '../store/outbox-repository.js';
import { HookCallError } from './hook-http.js';
import type { ConfiguredHook } from './hook-presets.js';

/** The worker's retry decision for a failure: backoff while attempts remain, else `dead`. */
export type HookFailure = (reason: string, transient: boolean, cause: unknown) => Settlement;

export interface HookDeliveryDeps {
  hooks: ReadonlyMap<string, ConfiguredHook>;
  /** Where the person's identifier is read at delivery (the row holds only the account id). */
  directory: Pick<Directory, 'findById'>;
}

/**
 * Delivers the outbox's `hook` rows: finds the hook by name (`to`), reads the identifier it sends from the
 * directory, calls the target in a `webhook.send` span, and says how it went. A success is audited as
 * `hook.delivered`; a failure retries with the outbox's backoff, and the final one is audited as
 * `hook.failed` with its reason — never dropped in silence. A hook removed from the configuration fails
 * its queued rows the same way (they show in the audit and the metrics).
 */
export class HookDelivery {
  constructor(private readonly deps: HookDeliveryDeps) {}

  async deliver(message: ClaimedMessage, failure: HookFailure): Promise<Settlement> {
    const hook = this.deps.hooks.get(message.to);
    const event = String(message.data.event);
    if (!hook || !(HOOK_EVENTS as readonly string[]).includes(event)) return this.failed(message, failure('hook_not_configured', false, undefined));
    try {
      const delivery = await this.eventOf(message, hook, event as HookEvent);
      await withSpan('webhook.send', { 'unlatch.hook': hook.config.name, 'unlatch.hook.preset': hook.config.type, 'unlatch.hook.event': event }, () => hook.target.send(delivery));
      return { id: message.id, kind: 'sent', audit: entryOf(message, 'hook.delivered', 'success', { attempts: message.attempts + 1 }) };
    } catch (error) {
      const known = error instanceof HookCallError;
      return this.failed(message, failure(known ? error.reason : 'hook_failed', known ? error.transient : true, error));
    }
  }

  /** The person's identifier as the hook wants it, read now (the account may have been renamed since). */
  private async eventOf(message: ClaimedMessage, hook: ConfiguredHook, event: HookEvent): Promise<HookDeliveryEvent> {
    if (!message.subjectId) throw new HookCallError('no_subject', false);
    let account;
    try {
      account = await this.deps.directory.findById(message.tenantId, message.subjectId);
    } catch (error) {
      throw new HookCallError('directory_unavailable', true, (error as Error).message);
    }
    if (!account) throw new HookCallError('account_not_found', false);
    const kind = subjectOf(hook.config);
    const value = hookSubjectOf(account, kind, hook.config.upnSuffix);
    if (value === null) throw new HookCallError('no_subject', false, `the account has no ${kind}`);
    return {
      hook: hook.config.name,
      preset: hook.config.type,
      event,
      eventId: String(message.data.eventId),
      at: Number(message.data.at),
      tenantId: message.tenantId,
      actor: String(message.data.actor ?? 'self'),
      flowId: message.flowId,
      accountId: account.id,
      subject: { type: kind, value },
    };
  }

  /** A given-up delivery is audited as `hook.failed` (the worker's generic entry is for notices). */
  private failed(message: ClaimedMessage, settlement: Settlement): Settlement {
    if (settlement.kind !== 'dead') return settlement;
    return { ...settlement, audit: entryOf(message, 'hook.failed', 'failure', { reason: settlement.reason, attempts: message.attempts + 1 }) };
  }
}

function entryOf(message: ClaimedMessage, event: 'hook.delivered' | 'hook.failed', outcome: 'success' | 'failure', details: Record<string, unknown>): AuditEntryInput {
  return {
    event,
    outcome,
    tenantId: message.tenantId,
    subjectId: message.subjectId,
    actor: 'system',
    flowId: message.flowId,
    details: { hook: message.to, preset: message.data.preset ?? null, event: message.data.event ?? null, eventId: message.data.eventId ?? null, ...details },
  };
}
