import type { FraudServices } from '../../../../core/fraud/fraud-services.js';
import { UnlatchError } from '../../../../core/errors.js';
import type { FraudLabel, RatedFlow } from '../../../../core/ports/fraud.js';
import type { AdminContext } from '../../admin-context.js';

/** The window the Fraud area's figures cover. */
export const FRAUD_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** The fraud services, or 404 when the app was built without them. */
export function fraudOf(ctx: AdminContext): FraudServices {
  if (!ctx.deps.fraud) throw new UnlatchError('not_found');
  return ctx.deps.fraud;
}

/** A label as the form sends it, or null. */
export function labelOf(raw: unknown): FraudLabel | null {
  return raw === 'fraud' || raw === 'legitimate' ? raw : null;
}

/** One row of the rating table: a flow kind's count per rating 1–5, the total and the mean. */
export interface RatingRow {
  flow: RatedFlow;
  counts: number[];
  total: number;
  mean: number | null;
}

/**
 * The Fraud area's figures over the last {@link FRAUD_WINDOW_DAYS} days: labels per label and source, completed
 * resets (from the audit rollup) and the M3 fraud rate (fraud labels / completed resets), and the rating
 * distribution per flow kind (M8). Each is shown as a table.
 */
export async function fraudFigures(ctx: AdminContext, tenantId: string) {
  const fraud = fraudOf(ctx);
  const now = ctx.admin.clock.now();
  const since = new Date(now.getTime() - FRAUD_WINDOW_DAYS * DAY_MS);
  const [labelCounts, rollup, ratings] = await Promise.all([
    fraud.fraudStore.labelCounts(tenantId, since),
    ctx.admin.stats.counts({ tenantId, grain: 'day', from: new Date(Math.floor(since.getTime() / DAY_MS) * DAY_MS), to: now, events: ['reset.completed'] }),
    fraud.friction.distribution(tenantId, since.toISOString().slice(0, 10)),
  ]);
  const count = (label: FraudLabel, source?: string) => labelCounts.filter((c) => c.label === label && (source === undefined || c.source === source)).reduce((sum, c) => sum + c.count, 0);
  const completed = rollup.filter((r) => r.dimension === '' && r.outcome === 'success').reduce((sum, r) => sum + r.count, 0);
  const fraudLabels = count('fraud');
  const rows: RatingRow[] = (['reset', 'change'] as const).map((flow) => {
    const counts = [1, 2, 3, 4, 5].map((rating) => ratings.filter((r) => r.flow === flow && r.rating === rating).reduce((sum, r) => sum + r.count, 0));
    const total = counts.reduce((a, b) => a + b, 0);
    return { flow, counts, total, mean: total > 0 ? counts.reduce((sum, c, i) => sum + c * (i + 1), 0) / total : null };
  });
  return {
    labels: {
      fraudPerson: count('fraud', 'person'),
      fraudOperator: count('fraud', 'operator'),
      legitimate: count('legitimate'),
      fraud: fraudLabels,
    },
    completed,
    rate: completed > 0 ? fraudLabels / completed : null,
    ratings: rows,
  };
}
