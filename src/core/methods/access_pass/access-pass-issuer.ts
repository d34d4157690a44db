import { newId } from '../../crypto/secrets.js';
import type { AccessPassRecord, AccessPassRepository } from '../../ports/access-passes.js';
import type { StoreTx } from '../../ports/store.js';
import { hashAccessPass, newAccessPass } from './access-pass-code.js';

/** A pass just issued: the pass itself (shown once, never stored) and its record. */
export interface IssuedAccessPass {
  /** Grouped `XXXX-XXXX-XXXX-XXXX`, to read out to the caller. */
  pass: string;
  record: AccessPassRecord;
}

/**
 * Issues a temporary access pass inside the caller's transaction (which also audits and announces it): a
 * fresh pass from the CSPRNG, stored only as its SHA-256; the person's earlier live passes end with it.
 * Lifetime and uses are the caller's, already checked against `helpdesk.accessPass`.
 */
export async function issueAccessPass(
  passes: AccessPassRepository,
  tx: StoreTx,
  input: { tenantId: string; subjectId: string; createdBy: string; now: Date; minutes: number; uses: number },
): Promise<IssuedAccessPass> {
  const pass = newAccessPass();
  const record: AccessPassRecord = {
    id: newId(),
    tenantId: input.tenantId,
    subjectId: input.subjectId,
    createdBy: input.createdBy,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + input.minutes * 60_000),
    usesLeft: input.uses,
    usedAt: null,
    revokedAt: null,
  };
  await passes.insert(tx, record, hashAccessPass(pass));
  return { pass, record };
}
