// Reads reset codes from the `dev_outbox` table on PostgreSQL (the production phase), with the same
// interface as OutboxReader (SQLite) but async: one poller for every waiting client, one query per tick.
// PostgreSQL has no rowid, so rows are numbered here in the order this reader first sees them; a cursor
// taken before a start is below every row seen after it. Rows commit in a different order than their
// created_at, so each poll looks back a few seconds and skips ids it has already seen; it asks only for
// the addresses someone is waiting on, so a poll stays a few rows however fast mail is written.
import pg from 'pg';

const CODE_LINE = /^\s+(\d{6,10})\s*$/m;
const LOOKBACK_MS = 5_000;

export class PgOutboxReader {
  /** @param {string} url @param {number} pollMs */
  constructor(url, pollMs = 5) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.pollMs = pollMs;
    this.seq = 0;
    /** id → created_at of rows already seen (pruned to the look-back window) */
    this.seen = new Map();
    this.waiters = new Map();
    this.unclaimed = new Map();
    this.timer = null;
    this.polling = null;
    this.polls = 0;
  }

  cursor() {
    return this.seq;
  }

  waitForCode(address, after, timeoutMs = 30_000) {
    const early = this.unclaimed.get(address);
    if (early && early.seq > after) {
      this.unclaimed.delete(address);
      return Promise.resolve(early.code);
    }
    if (this.waiters.has(address)) return Promise.reject(new Error(`two flows wait on ${address} at once`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(address);
        reject(new Error(`no code for ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(address, { after, resolve, reject, timer });
      this.schedule();
    });
  }

  schedule() {
    if (this.timer || this.polling) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll()
        .catch((error) => {
          for (const [, waiter] of this.waiters) waiter.reject(error);
          this.waiters.clear();
        })
        .finally(() => {
          this.polling = null;
          if (this.waiters.size > 0) this.schedule();
        });
    }, this.pollMs);
  }

  async poll() {
    this.polls += 1;
    const { rows } = await this.pool.query(
      'SELECT id, to_address AS "to", text_body AS text, created_at FROM dev_outbox WHERE created_at >= $1 AND to_address = ANY($2) ORDER BY created_at',
      [Date.now() - LOOKBACK_MS, [...this.waiters.keys()]],
    );
    for (const row of rows) {
      if (this.seen.has(row.id)) continue;
      const createdAt = Number(row.created_at);
      this.seen.set(row.id, createdAt);
      this.seq += 1;
      const match = CODE_LINE.exec(row.text);
      if (!match) continue;
      const waiter = this.waiters.get(row.to);
      if (waiter && this.seq > waiter.after) {
        clearTimeout(waiter.timer);
        this.waiters.delete(row.to);
        waiter.resolve(match[1]);
      } else {
        this.unclaimed.set(row.to, { seq: this.seq, code: match[1] });
      }
    }
    const horizon = Date.now() - 2 * LOOKBACK_MS;
    for (const [id, createdAt] of this.seen) if (createdAt < horizon) this.seen.delete(id);
  }

  /** Skips everything mailed so far (between phases): codes of earlier flows can no longer match. */
  async catchUp() {
    await this.polling;
    const { rows } = await this.pool.query('SELECT id, created_at FROM dev_outbox WHERE created_at >= $1', [Date.now() - LOOKBACK_MS]);
    for (const row of rows) this.seen.set(row.id, Number(row.created_at));
    this.unclaimed.clear();
  }

  /** Messages the workers have not delivered yet. */
  async backlog() {
    const { rows } = await this.pool.query("SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'");
    return rows[0].n;
  }

  async close() {
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const [, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('outbox reader closed'));
    }
    this.waiters.clear();
    await this.pool.end();
  }
}
