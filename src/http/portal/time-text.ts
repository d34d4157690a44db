import type { ExpiryText } from '../../core/time-zone.js';
import type { Translate } from './language.js';

/** A stand-in for the clock time while the sentence is escaped; never part of a translation. */
const TIME_SLOT = '\u0000time\u0000';

/** An expiry as a page shows it, with the sentence that carries it as HTML. */
export interface PageExpiry extends ExpiryText {
  /**
   * The text `key` (params `count` = minutes, `time`) as escaped HTML whose clock time is a
   * `<time datetime data-local-time>`: /assets/portal.js rewrites it to the browser's own zone where it runs.
   */
  html: (t: Translate, key: string) => string;
}

export function pageExpiry(expiry: ExpiryText): PageExpiry {
  return {
    ...expiry,
    html: (t, key) => {
      const sentence = escapeHtml(t(key, { count: expiry.minutes, time: TIME_SLOT }));
      const time = `<time datetime="${escapeHtml(expiry.iso)}" data-local-time>${escapeHtml(expiry.time)}</time>`;
      return sentence.split(TIME_SLOT).join(time);
    },
  };
}

/** Escapes text for HTML content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
