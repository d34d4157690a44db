/**
 * One value read again at most every `ttlMs` (a directory's domain-wide password rules: read on every /change
 * page otherwise). Callers at the same time share one read. Whatever the read answered is kept, a failure
 * turned into a value (null) included, so an unreachable directory does not make each page wait for a timeout.
 */
export class TimedCache<T> {
  private entry: { at: number; value: Promise<T> } | null = null;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kept value while it is younger than `ttlMs`, else a new read. `read` must not reject (map failures to a value). */
  get(): Promise<T> {
    const at = this.now();
    if (this.entry !== null && at - this.entry.at < this.ttlMs && at >= this.entry.at) return this.entry.value;
    const value = this.read();
    this.entry = { at, value };
    return value;
  }
}
