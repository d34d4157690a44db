import type { AuditEvent } from './audit.js';

/** Told after a transaction commits; feeds metrics and logs. Must not throw. */
export interface FlowObserver {
  observe(event: AuditEvent, labels: FlowObservation): void;
}

/** What an observed event is about. */
export interface FlowObservation {
  tenantId: string;
  outcome: string;
  reason?: string;
  durationSeconds?: number;
  /** A canary account's flow (synthetic check): counted apart from the user-facing SLIs. */
  canary?: boolean;
}

export const silentObserver: FlowObserver = { observe: () => undefined };
