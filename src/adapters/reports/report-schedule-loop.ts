import type { ReportScheduler } from '../../core/admin/reports/report-scheduler.js';

/**
 * Checks the report schedules every minute in the server process (every node does; the store's claim lets one
 * run each due report). The first check comes shortly after start, so a run missed while all nodes were down
 * goes out on return. `stop()` waits for a check under way.
 */
export class ReportScheduleLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    // Anything with runDue(): the report scheduler, and the reminder rounds (src/core/reminders/reminder-scheduler.ts).
    private readonly scheduler: Pick<ReportScheduler, 'runDue'>,
    private readonly options: { everyMs?: number; firstAfterMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.firstAfterMs ?? 5_000);
  }

  /** One check now (tests, and the timer); concurrent calls share it. Returns how many reports ran here. */
  runOnce(): Promise<number> {
    this.running ??= this.scheduler.runDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.schedule(this.options.everyMs ?? 60_000));
    }, delayMs);
    this.timer.unref();
  }
}
