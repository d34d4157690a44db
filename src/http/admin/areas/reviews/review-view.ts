import { UnlatchError } from '../../../../core/errors.js';
import type { RiskReason, RiskSignal } from '../../../../core/risk/risk-types.js';
import type { ReviewServices } from '../../../../core/risk/review-services.js';
import type { HeldFlow } from '../../../../core/risk/review-types.js';
import type { ResetFlowRecord } from '../../../../core/reset/reset-flow-record.js';
import type { Translate } from '../../../portal/language.js';
import type { AdminContext } from '../../admin-context.js';

/** The review services, or 404 when the app was built without them. */
export function reviewsOf(ctx: AdminContext): ReviewServices {
  if (!ctx.deps.reviews) throw new UnlatchError('not_found');
  return ctx.deps.reviews;
}

/** Each reason's words (`reviews.reason.*`), spelled out so that a new reason cannot go without them. */
const REASON_KEYS: Record<RiskReason, string> = {
  ip_velocity: 'reviews.reason.ip_velocity',
  subnet_velocity: 'reviews.reason.subnet_velocity',
  account_velocity: 'reviews.reason.account_velocity',
  tenant_velocity: 'reviews.reason.tenant_velocity',
  failed_proofs: 'reviews.reason.failed_proofs',
  new_device: 'reviews.reason.new_device',
  ip_reputation: 'reviews.reason.ip_reputation',
  country: 'reviews.reason.country',
  impossible_travel: 'reviews.reason.impossible_travel',
  unusual_hour: 'reviews.reason.unusual_hour',
  attack_mode: 'reviews.reason.attack_mode',
};

/** One reason as the console shows it: in words, its points, and its details (counts, a country, a list name). */
export interface ReasonView {
  text: string;
  points: number;
  detail: string;
}

/** One row of the queue. */
export interface HeldRow {
  flowId: string;
  purpose: ResetFlowRecord['purpose'];
  subjectId: string | null;
  person: string;
  heldAt: Date;
  expiresAt: Date;
  minutesLeft: number;
  /** The time left in words: minutes under two hours, else whole hours. */
  timeLeft: string;
  score: number | null;
  reasons: ReasonView[];
  ip: string | null;
  country: string | null;
  href: string;
}

export function reasonsOf(t: Translate, signals: readonly RiskSignal[]): ReasonView[] {
  return signals.map((s) => ({
    text: REASON_KEYS[s.reason] ? t(REASON_KEYS[s.reason]) : s.reason,
    points: s.points,
    detail: Object.entries(s.detail ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join(', '),
  }));
}

/** The country a reason names (GeoIP, impossible travel), when one does. */
function countryOf(signals: readonly RiskSignal[]): string | null {
  for (const s of signals) {
    const value = s.detail?.country;
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** The queue's rows, each person named as the directory has them (their id when the directory cannot say). */
export async function heldRows(ctx: AdminContext, t: Translate, tenantId: string, held: readonly HeldFlow[]): Promise<HeldRow[]> {
  const now = ctx.admin.clock.now().getTime();
  return Promise.all(held.map(async (h) => rowOf(ctx, t, tenantId, h.flow, h.ip, h.heldAt, now)));
}

export async function rowOf(ctx: AdminContext, t: Translate, tenantId: string, flow: ResetFlowRecord, ip: string | null, heldAt: Date, now: number): Promise<HeldRow> {
  const account = flow.subjectId ? await ctx.admin.directory.findById(tenantId, flow.subjectId).catch(() => null) : null;
  const signals = flow.risk?.reasons ?? [];
  const minutesLeft = Math.max(0, Math.ceil((flow.expiresAt.getTime() - now) / 60_000));
  return {
    flowId: flow.id,
    purpose: flow.purpose,
    subjectId: flow.subjectId,
    person: account ? `${account.displayName ?? account.username} (${account.username})` : (flow.subjectId ?? '—'),
    heldAt,
    expiresAt: flow.expiresAt,
    minutesLeft,
    timeLeft: minutesLeft < 120 ? t('reviews.minutes_left', { count: minutesLeft }) : t('reviews.hours_left', { count: Math.floor(minutesLeft / 60) }),
    score: flow.risk?.score ?? null,
    reasons: reasonsOf(t, signals),
    ip,
    country: countryOf(signals),
    href: `/admin/t/${tenantId}/reviews/${encodeURIComponent(flow.id)}`,
  };
}
