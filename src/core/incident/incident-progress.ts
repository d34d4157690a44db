import type { IncidentCounts, IncidentRecord } from './incident-store.js';

/** An incident with how far it got: counts, and while it runs the rate and an estimate of the time left. */
export interface IncidentProgress {
  incident: IncidentRecord;
  counts: IncidentCounts;
  /** Settled rows (done, failed, skipped) of the total, 0–1. */
  fraction: number;
  /** People processed per second in this run (or since the start, for a status read); null before any. */
  ratePerSecond: number | null;
  /** Seconds left at that rate; null when unknown or nothing is left. */
  etaSeconds: number | null;
}

/**
 * The progress of `incident`. A run passes what it processed since it began (`since`, `processed`); a status read
 * without them estimates from the incident's start, which is right for one uninterrupted run.
 */
export function progressOf(incident: IncidentRecord, counts: IncidentCounts, at: { now: Date; since?: Date; processed?: number }): IncidentProgress {
  const settled = counts.total - counts.pending;
  const fraction = counts.total === 0 ? 1 : settled / counts.total;
  const since = at.since ?? incident.createdAt;
  const processed = at.processed ?? counts.done + counts.failed;
  const seconds = (at.now.getTime() - since.getTime()) / 1000;
  const ratePerSecond = incident.state === 'running' && processed > 0 && seconds > 0 ? processed / seconds : null;
  const etaSeconds = ratePerSecond !== null && counts.pending > 0 ? Math.ceil(counts.pending / ratePerSecond) : null;
  return { incident, counts, fraction, ratePerSecond, etaSeconds };
}

/** One line for a terminal: `42/500 (8.4 %), 12.5/s, about 37 s left`. */
export function progressLine(p: IncidentProgress): string {
  const settled = p.counts.total - p.counts.pending;
  const parts = [`${settled}/${p.counts.total} (${(p.fraction * 100).toFixed(1)} %)`];
  if (p.ratePerSecond !== null) parts.push(`${p.ratePerSecond.toFixed(1)}/s`);
  if (p.etaSeconds !== null) parts.push(`about ${durationText(p.etaSeconds)} left`);
  if (p.counts.failed > 0) parts.push(`${p.counts.failed} failed`);
  return parts.join(', ');
}

function durationText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `7d`, `12h`, `90m`, `3600s` (or plain seconds) as seconds; null when it is none of these. */
export function parseExpiry(raw: string): number | null {
  const match = /^\s*(\d{1,7})\s*([smhd]?)\s*$/i.exec(raw);
  if (!match) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
