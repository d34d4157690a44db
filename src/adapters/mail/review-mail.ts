import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

export interface ReviewDecidedInput {
  displayName: string;
  tenantName: string;
  verdict: 'approve' | 'reject';
  /** An unlock flow goes on to the unlock, a reset to the new password. */
  purpose: 'reset' | 'unlock';
  when: Date;
  /** Approved: until when the person can go on. */
  expiresAt: Date;
  publicUrl: string;
  supportContact?: string;
  t: MailT;
}

/** Reads the stored verdict; anything unknown is told as a rejection (it never invites the person on). */
export function reviewVerdictOf(value: unknown): 'approve' | 'reject' {
  return value === 'approve' ? 'approve' : 'reject';
}

/**
 * "Your reset was approved / not approved": an operator decided on a reset the risk engine held. Approved: go back
 * to the page in the browser where you started, before the time runs out (the link is the waiting page's: it
 * carries no secret, and goes on only where the flow's cookie is). Rejected: nothing changed; whom to call. No
 * "this wasn't me" link: the person asked for this reset, and a rejection already stops it.
 */
export function renderReviewDecided(input: ReviewDecidedInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const url = `${baseUrl(input.publicUrl)}/reset/review`;
  const approved = input.verdict === 'approve';
  const kind = approved ? 'approved' : 'rejected';
  const subject = tr(`review_decided.subject_${kind}`);
  const greeting = greetingFor(t, input.displayName);
  const body = tr(`review_decided.body_${kind}`, { when: formatUtc(input.when) });
  const next = approved
    ? tr(input.purpose === 'unlock' ? 'review_decided.next_unlock' : 'review_decided.next_reset', { expires: formatUtc(input.expiresAt), url: LINK })
    : tr('review_decided.next_rejected');
  const support = input.supportContact === undefined ? '' : clean(input.supportContact);
  const help = support ? tr('review_decided.help_support', { support }) : tr('review_decided.help');
  const footer = tr('common.footer');
  const text = [greeting, '', body, '', approved ? withUrl(next, url) : next, '', help, '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr(`review_decided.heading_${kind}`), footer, [
    para(greeting), para(body), approved ? paraWithLink(next, url) : para(next), para(help),
  ]);
  return { subject, text, html };
}
