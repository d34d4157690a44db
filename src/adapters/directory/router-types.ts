import type { Clock } from '../../core/ports/clock.js';
import type { Directory } from '../../core/ports/directory.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { SecondaryWriteReport } from './secondary-writes.js';

/** What DirectoryRouter is built from and what it reports (directory-router.ts). */

/** One directory of a tenant, as the router sees it. */
export interface RoutedDirectory {
  /** Unique within the tenant; the prefix of the account ids it hands out (unless `builtin`). */
  readonly name: string;
  readonly directory: Directory;
  /**
   * The built-in user store: its account ids are used as they are, so flows, registered methods and sessions
   * stored before directories were configurable keep working, whatever else the tenant adds later.
   */
  readonly builtin: boolean;
  /** Directories of the same tenant that get a copy of every password written here. */
  readonly alsoWriteTo: readonly string[];
  /** Seconds an account read from here is reused (`groupCacheSeconds`); 0: never. */
  readonly cacheSeconds: number;
}

/** An identifier matched an account in more than one directory: treated as no match (SECURITY.md). */
export interface AmbiguousMatch {
  tenantId: string;
  /** The normalized identifier, as other audit entries of failed lookups record it. */
  identifier: string;
  directories: string[];
  accountIds: string[];
}

/** Which kind of directory work failed. */
export type DirectoryOperation = 'lookup' | 'verify' | 'write' | 'unlock';

/** A directory could not do its part: unreachable (`unavailable`) or refusing the service account (`internal`). */
export interface DirectoryFailure {
  tenantId: string;
  directory: string;
  reason: 'unavailable' | 'internal';
  operation: DirectoryOperation;
}

/** What the router reports; app.ts turns these into audit entries, log lines and metrics. */
export interface DirectoryRouterEvents {
  onAmbiguous?(match: AmbiguousMatch): void;
  /** Called inside the store transaction of the primary's commit, so its audit entry is part of it. */
  onSecondaryWrite?(report: SecondaryWriteReport, tx: StoreTx): Promise<void>;
  onFailure?(failure: DirectoryFailure): void;
}

export interface DirectoryRouterOptions {
  /** Each tenant's directories, in the order they are asked. */
  tenants: ReadonlyMap<string, readonly RoutedDirectory[]>;
  /** Whose directories `verifyDummy` imitates when no tenant is named. */
  defaultTenantId: string;
  clock: Clock;
  events?: DirectoryRouterEvents;
}
