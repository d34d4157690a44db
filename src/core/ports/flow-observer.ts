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
  /** A suspicious attempt and why (`service_account`: an attempt on a privileged or service account). */
  suspicious?: string;
}

export const silentObserver: FlowObserver = { observe: () => undefined };
