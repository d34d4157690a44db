import { SqlAuditReader } from '../../adapters/store/audit-reader.js';
import { SqlAuditVerificationRuns } from '../../adapters/store/audit-verification-runs.js';
import { AuditVerifications } from '../../core/admin/audit-verifications.js';
import { verifyAuditLog } from '../../core/audit/audit-log-verification.js';
import { isUnlatchError } from '../../core/errors.js';
import { systemClock } from '../../core/ports/clock.js';
import { stringOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure, UsageError } from '../errors.js';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'Recompute the audit log hash chains and check each against its recorded head.',
  synopsis: '[--page-size N]',
  description:
    'Reads audit_log chain by chain, a page at a time. Exits 0 when every chain is intact (printing a digest of their heads), 1 naming the first broken or missing entry as chain C, seq S.',
  options: {
    'page-size': { type: 'string', value: 'N', description: 'entries read per query (default 1000)' },
  },
  async run({ io, config, values }) {
    const pageSizeText = stringOption(values, 'page-size') ?? '1000';
    if (!/^[1-9]\d{0,6}$/.test(pageSizeText)) throw new UsageError('--page-size must be a whole number from 1 to 9999999');
    const pageSize = Number(pageSizeText);
    const result = await withDatabase(config(), { migrate: false }, async (handle) => {
      const reader = new SqlAuditReader(handle.db);
      const source = { heads: () => reader.heads(), entries: () => reader.entries({ pageSize }) };
      // Recorded as started by `cli`, so the console's "last verified" covers these runs too.
      const verifications = new AuditVerifications({ runs: new SqlAuditVerificationRuns(handle.db), source: () => source, clock: systemClock });
      try {
        return (await verifications.verifyNow('cli')).verification;
      } catch (error) {
        if (isUnlatchError(error) && error.code === 'audit_verification_running') {
          throw new CliFailure(`another audit verification is running (started ${String(error.details.startedAt)}); wait for it to finish, then try again`);
        }
        // A database not yet migrated to the record of verifications is still verified, unrecorded.
        if (/audit_verifications/.test((error as Error).message) && /no such table|does not exist/i.test((error as Error).message)) {
          return verifyUnrecorded(source);
        }
        if (/no such table|does not exist/i.test((error as Error).message)) {
          throw new CliFailure('this database has no audit log tables yet (run: unlatch migrate)');
        }
        throw error;
      }
    });
    if (result.ok) {
      io.stdout.write(`audit chain intact: ${result.entries} entries in ${result.chains} chains, heads digest ${result.digest}\n`);
      return 0;
    }
    io.stdout.write(
      result.chain === null ? `audit chain broken (${result.reason})\n` : `audit chain broken at chain ${result.chain}, seq ${result.seq} (${result.reason})\n`,
    );
    return 1;
  },
};

async function verifyUnrecorded(source: Parameters<typeof verifyAuditLog>[0]) {
  try {
    return await verifyAuditLog(source);
  } catch (error) {
    if (/no such table|does not exist/i.test((error as Error).message)) throw new CliFailure('this database has no audit log tables yet (run: unlatch migrate)');
    throw error;
  }
}
