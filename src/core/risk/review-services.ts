import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { ResetSettings } from '../reset/reset-settings.js';
import { ReviewDecisions } from './review-decisions.js';
import type { ReviewNoticeDeps } from './review-notice.js';
import type { ReviewQueue } from './review-types.js';
import { reviewWait, type ReviewWait } from './review-wait.js';

/** What HTTP uses of the review of held flows: the console's queue and decisions, and the person's waiting page. */
export interface ReviewServices {
  decisions: ReviewDecisions;
  queue: ReviewQueue;
  /** Where a person's held flow stands (by its public handle). */
  wait(flowId: string): Promise<ReviewWait>;
}

export function buildReviewServices(deps: { store: Store; queue: ReviewQueue; clock: Clock; settings: Pick<ResetSettings, 'passwordStepTtlSeconds'>; notices?: ReviewNoticeDeps }): ReviewServices {
  return {
    decisions: new ReviewDecisions(deps),
    queue: deps.queue,
    wait: (flowId) => reviewWait(deps, flowId),
  };
}
