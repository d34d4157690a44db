import type { AuditEvent } from './audit.js';

/** Told after a transaction commits; feeds metrics and logs. Must not throw. */
export interface FlowObserver {
  observe(event: AuditEvent, labels: { tenantId: string; outcome: string; reason?: string; durationSeconds?: number }): void;
}

export const silentObserver: FlowObserver = { observe: () => undefined };
