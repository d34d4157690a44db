import type { Logger } from 'pino';
import type { Store } from '../../core/ports/store.js';
import type { DirectoryFailure, DirectoryRouterEvents } from './directory-router.js';

/** Where the router's reports go. */
export interface RouterEventDeps {
  store: Store;
  logger: Logger;
  /** Counts a directory failure (the `unlatch_directory_errors_total` metric). */
  countFailure(failure: DirectoryFailure): void;
}

/**
 * The DirectoryRouter's reports as audit entries, log lines and metrics, so the router itself stays free of
 * the store and the logger.
 */
export function directoryRouterEvents(deps: RouterEventDeps): DirectoryRouterEvents {
  const { store, logger } = deps;
  return {
    onAmbiguous(match) {
      logger.warn({ tenant: match.tenantId, directories: match.directories, accountIds: match.accountIds }, 'an identifier matched accounts in several directories: treated as no match');
      // Not awaited: the lookup answers as fast as for an unknown identifier (SECURITY.md, timing), and the
      // entry lands a moment later in its own transaction.
      store
        .transaction((tx) =>
          tx.audit.append({
            event: 'directory.ambiguous_match',
            outcome: 'denied',
            tenantId: match.tenantId,
            subjectId: null,
            actor: 'system',
            details: { identifier: match.identifier, directories: match.directories, accountIds: match.accountIds },
          }),
        )
        .catch((error: unknown) => logger.error({ err: error }, 'could not audit an ambiguous directory match'));
    },
    async onSecondaryWrite(report, tx) {
      const details = {
        primary: report.primary,
        directory: report.directory,
        ...(report.reason ? { reason: report.reason } : {}),
        ...(report.reasons ? { reasons: report.reasons } : {}),
        ...(report.accountId ? { accountId: report.accountId } : {}),
      };
      if (report.outcome === 'failure') {
        logger.warn({ tenant: report.tenantId, subject: report.subjectId, ...details }, 'copying a new password to a secondary directory failed; the primary write stands');
      }
      // In the primary's transaction: the copy's record stands or falls with the flow's own entries.
      await tx.audit.append({ event: 'directory.secondary_write', outcome: report.outcome, tenantId: report.tenantId, subjectId: report.subjectId, actor: 'system', details });
    },
    onFailure(failure) {
      deps.countFailure(failure);
    },
  };
}
