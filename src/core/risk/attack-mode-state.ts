import type { AuditEntryInput } from '../ports/audit.js';
import type { AttackModeOverride, AttackModeRecord } from './attack-mode-rules.js';

/**
 * Whether a tenant is in attack mode (a surge of starts, or an operator's order): every start then needs a proof of
 * work, and the risk engine adds the `attack_mode` signal. Implemented by `src/adapters/risk/attack-mode-monitor.ts`;
 * absent means never. Cheap to ask: read from a copy each node refreshes, not from the store per start.
 */
export interface AttackModeState {
  isActive(tenantId: string): Promise<boolean>;
}

/** What the console reads and orders (`src/adapters/risk/attack-mode-monitor.ts`). */
export interface AttackModeControl extends AttackModeState {
  /** The stored state and the current rates (starts per minute). */
  status(tenantId: string): Promise<{ record: AttackModeRecord; windowRate: number; baselineRate: number; surgeRate: number }>;
  /** Forces attack mode on or off, or hands it back to the rules; `entry` makes the audit entry (the operator's). */
  force(tenantId: string, override: AttackModeOverride, entry: (details: Record<string, unknown>) => AuditEntryInput): Promise<void>;
}
