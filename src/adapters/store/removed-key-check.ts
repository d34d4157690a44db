import type { KeyRing } from '../../core/crypto/key-ring.js';
import { removedKeyProblem } from '../../core/crypto/key-usage.js';
import { ConfigError } from '../../config/load-config.js';
import type { DatabaseHandle } from './database.js';
import { countKeyUsage } from './key-usage.js';

/**
 * Refuses to start when a long-lived record (authenticator seed, queued message, unused backup code, live
 * code) names a key that is no longer in the ring: without it those records are dead, and people would find
 * out one by one. The error names the key and the counts, and says to put the key back and rotate.
 */
export async function refuseRemovedKeys(database: DatabaseHandle, keys: KeyRing, now: Date): Promise<void> {
  const problem = removedKeyProblem(await countKeyUsage(database.db, database.dialect, now), keys.ids);
  if (problem) throw new ConfigError(problem);
}
