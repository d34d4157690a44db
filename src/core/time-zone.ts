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
      return cachedFormat(`clock\u0000${language}\u0000${timeZone}`, () => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' })).format(when);
    } catch {
      // An unknown language tag or zone: the next, plainer format.
    }
  }
  return `${when.toISOString().slice(11, 16)} UTC`;
}

/** The hour of the day (0–23) of `when` in an IANA zone; UTC when the zone is unset or unknown. */
export function hourIn(when: Date, zone: string | undefined): number {
  if (zone === undefined || zone === DEFAULT_TIME_ZONE) return when.getUTCHours();
  try {
    const hour = Number(cachedFormat(`hour\u0000${zone}`, () => new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' })).format(when));
    if (Number.isInteger(hour) && hour >= 0 && hour < 24) return hour;
  } catch {
    // An unknown zone (checked at start, so only a test's): UTC below.
  }
  return when.getUTCHours();
}

/**
 * Building an `Intl.DateTimeFormat` costs tens of microseconds — on every start (the hour signal) and every page
 * with a time — while formatting with a built one is cheap: one is kept per shape, language and zone, a bounded
 * few (languages × tenant zones). A zone or language that throws is never kept.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATS = 512;

function cachedFormat(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  const held = formats.get(key);
  if (held) return held;
  const made = make();
  if (formats.size < MAX_FORMATS) formats.set(key, made);
  return made;
}
