import type { KeyUsageCount } from '../crypto/key-usage.js';
import type { HookHealth } from '../hooks/hook-health.js';

/**
 * What the console's System area shows: the health of a tenant's directories (on demand), of the message
 * channels (from the outbox), the key ring, the version and the configuration with every secret redacted.
 * The port the area reads through; `src/adapters/admin/system-source.ts` implements it.
 */

/** One line of a directory check: ✓ can, ✗ cannot, ? could not tell, – not checked. */
export interface DirectoryCheckLine {
  status: 'ok' | 'missing' | 'unknown' | 'skipped';
  label: string;
  detail?: string;
}

/** One configured directory of a tenant, and (after a check) what the check found. */
export interface DirectoryHealth {
  name: string;
  /** `builtin`, `ldap`, `active_directory`. */
  type: string;
  /** Kind and place, e.g. `ldap-1 (ldap, ldaps://dc1:636)`; never a secret. */
  description: string;
  /** Absent until a check ran. */
  items?: DirectoryCheckLine[];
}

/** Delivery through one outbox channel (`email` = SMTP or the dev outbox, `sms` = SMS providers, `audit` = export). */
export interface ChannelHealth {
  channel: string;
  /** Messages waiting to go out (the backlog). */
  pending: number;
  /** Messages given up on after every retry. */
  dead: number;
  /** When the newest message went out. */
  lastSentAt: Date | null;
  /** The newest delivery error still on record, and when its message was queued (errors carry no time of their own). */
  lastError: { message: string; queuedAt: Date } | null;
}

/** What each key of the ring still protects (counts from the store). */
export interface KeyRingStatus {
  /** The ring's key ids, newest first. */
  ringIds: string[];
  counts: KeyUsageCount[];
}

/** The System area's source of truth: one tenant at a time, read-only except the directory check's harmless probes. */
export interface SystemStatusSource {
  /** The tenant's directories, in the order they are asked. */
  directories(tenantId: string): DirectoryHealth[];
  /** Runs `directory check` on each of the tenant's directories (optionally looking `user` up); changes nothing. */
  checkDirectories(tenantId: string, user: string | undefined): Promise<DirectoryHealth[]>;
  /** Outbox delivery per channel for the tenant's messages. */
  channels(tenantId: string): Promise<ChannelHealth[]>;
  /** Each post-reset hook that hears the tenant's events, with its deliveries (absent: none configured). */
  hooks?(tenantId: string): Promise<HookHealth[]>;
  keys(): Promise<KeyRingStatus>;
  /** The installed version. */
  version(): string;
  /** The effective configuration with every secret replaced, limited to what an operator of `tenantId` may see. */
  configFor(tenantId: string): Record<string, unknown>;
}
