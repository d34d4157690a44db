import type { StoreTx } from './store.js';

/**
 * The runs of scheduled reports, claimed in the store so that each due run happens once across nodes: the
 * first node to claim `(scheduleKey, dueAt)` runs it, the others skip it. A claim that was never finished
 * (the node died, the directory was down) may be taken again once it is stale.
 */
export interface ReportRuns {
  /**
   * Claims a due run: true when there was no claim, or an unfinished one held by `node` itself or taken
   * before `staleBefore`; false when another node holds it or it is finished.
   */
  claim(scheduleKey: string, dueAt: Date, node: string, now: Date, staleBefore: Date): Promise<boolean>;
  /**
   * Marks the run finished inside the transaction that queues its mail and audit entry; false when `node`
   * no longer holds the claim (another node took it over): the caller then rolls back.
   */
  finish(tx: StoreTx, scheduleKey: string, dueAt: Date, node: string, now: Date): Promise<boolean>;
}
