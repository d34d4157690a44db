import type { KeyRing } from '../crypto/key-ring.js';
import type { Clock } from '../ports/clock.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodRepository } from '../ports/methods.js';
import { matchBackupCode } from './backup_code/backup-codes.js';
import { newTotpSecret, verifyTotp } from './totp/totp.js';

const DUMMY_TOTP_SECRET = newTotpSecret();
const DUMMY_BACKUP_CODES = Array.from({ length: 10 }, (_, i) => ({ id: `dummy-${i}`, keyId: 'dummy', digest: '00'.repeat(32), usedAt: null }));

/** The methods a person can prove with a typed code. */
export type CodeMethod = 'totp' | 'backup_code';

export type MethodProof = { ok: true; methodId: string } | { ok: false; reason: 'not_registered' | 'malformed' | 'wrong' | 'replayed' | 'used' };

/**
 * Checks a code against the person's registered methods of one kind and spends it: a TOTP step or a backup
 * code counts once, atomically in the store, however many requests carry it at the same moment.
 */
export class MethodVerifier {
  constructor(private readonly deps: { methods: MethodRepository; keys: KeyRing; clock: Clock }) {}

  /**
   * The work of a check against methods that do not exist (a decoy flow, a method the person lacks), so a
   * wrong code takes about as long whatever is registered.
   */
  async spendEquivalentTime(kind: CodeMethod, code: string): Promise<void> {
    if (kind === 'backup_code') {
      matchBackupCode(this.deps.keys, code, DUMMY_BACKUP_CODES);
      return;
    }
    verifyTotp({ secretBase32: DUMMY_TOTP_SECRET, code, nowMs: this.deps.clock.now().getTime(), lastUsedStep: null });
  }

  async verify(account: DirectoryAccount, kind: CodeMethod, code: string): Promise<MethodProof> {
    const registered = (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === kind && m.confirmed);
    if (registered.length === 0) return { ok: false, reason: 'not_registered' };
    const now = this.deps.clock.now();
    if (kind === 'backup_code') {
      const stored = registered.map((m) => ({ id: m.id, keyId: String(m.data.keyId ?? ''), digest: String(m.data.digest ?? ''), usedAt: m.usedAt }));
      const match = matchBackupCode(this.deps.keys, code, stored);
      if (!match.ok) return match;
      return (await this.deps.methods.markUsed(account.tenantId, match.id, now)) ? { ok: true, methodId: match.id } : { ok: false, reason: 'used' };
    }
    let failure: MethodProof = { ok: false, reason: 'wrong' };
    for (const method of registered) {
      const secret = await this.deps.methods.readSecret(account.tenantId, method.id);
      const verdict = verifyTotp({ secretBase32: secret ?? '', code, nowMs: now.getTime(), lastUsedStep: method.lastUsedStep });
      if (verdict.ok) {
        return (await this.deps.methods.recordTotpStep(account.tenantId, method.id, verdict.step, now))
          ? { ok: true, methodId: method.id }
          : { ok: false, reason: 'replayed' };
      }
      if (verdict.reason !== 'wrong') failure = { ok: false, reason: verdict.reason };
    }
    return failure;
  }
}
