/**
 * Clock times as people read them: in a named IANA zone, in their language, with the zone said. Pure (Intl only).
 * Pages say "in 9 minutes, until 14:05 CET" rather than a bare UTC time that a person on a phone must convert.
 */

/** The zone used when a tenant names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** Whether `zone` is an IANA time zone this runtime knows (`UTC`, `Europe/Berlin`); checked once, at start. */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '' || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A moment ahead as a page shows it: whole minutes left (at least 1) and the clock time with its zone's short name. */
export interface ExpiryText {
  minutes: number;
  /** E.g. `14:05 CET`, `03:28 UTC`, in the page's language. */
  time: string;
  /** The moment to the minute (ISO 8601), for `<time datetime>` (a script may show it in the browser's own zone). */
  iso: string;
}

/** Minutes left until `when` and its clock time in `zone` (unknown zone or language: UTC, digits). */
export function expiryText(when: Date, lang: string, zone: string = DEFAULT_TIME_ZONE, now: Date = new Date()): ExpiryText {
  const minutes = Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 60_000));
  // To the minute, like the text: two flows started a few milliseconds apart get the same page.
  const minute = new Date(Math.floor(when.getTime() / 60_000) * 60_000);
  return { minutes, time: clockTime(when, lang, zone), iso: minute.toISOString() };
}

/** `HH:MM <zone>` in the language's digits and the zone's short name (`UTC`, `CET`, `GMT+2`). */
export function clockTime(when: Date, lang: string, zone: string = DEFAULT_TIME_ZONE): string {
  for (const [language, timeZone] of [[lang, zone], ['en', zone], ['en', DEFAULT_TIME_ZONE]] as const) {
    try {
      return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' }).format(when);
    } catch {
      // An unknown language tag or zone: the next, plainer format.
    }
  }
  return `${when.toISOString().slice(11, 16)} UTC`;
}
