import type { ImportProgress } from '../../adapters/password/breached/filter-import.js';

/**
 * Import progress on stderr: percent, entries/s and an ETA. On a terminal one line is rewritten in place
 * (at most 4 times a second); otherwise (a log file, a cron mail) a line every `everyMs`.
 */
export function progressPrinter(stderr: { write(text: string): unknown; isTTY?: boolean }, everyMs = 5_000): { update(p: ImportProgress): void; done(): void } {
  const tty = stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < (tty ? 250 : everyMs) && p.fraction < 1) return;
      last = now;
      const line = progressLine(p);
      if (tty) stderr.write(`\r${line}\x1b[K`);
      else stderr.write(`${line}\n`);
      shown = true;
    },
    done() {
      if (tty && shown) stderr.write('\n');
    },
  };
}

/** `37.5% · 1,234,567 entries · 410,000 entries/s · ETA 12m 05s` */
export function progressLine(p: ImportProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(p.entries / seconds) : 0;
  const doneThisRun = p.fraction - p.startFraction;
  const eta = doneThisRun > 0 && p.fraction < 1 ? formatDuration((seconds * (1 - p.fraction)) / doneThisRun) : p.fraction >= 1 ? 'done' : '…';
  return `${(p.fraction * 100).toFixed(1)}% · ${p.entries.toLocaleString('en')} entries · ${rate.toLocaleString('en')} entries/s · ETA ${eta}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${rest}s`;
}
