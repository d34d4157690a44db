// Reads reset codes straight from the server's SQLite `dev_outbox` table (read-only, its own
// connection, WAL so it never blocks the server's writer). One poller serves every waiting client:
// a single indexed range query per tick, instead of each client asking GET /dev/outbox.json, which
// would spend the server's own event loop on the benchmark's bookkeeping.
import Database from 'better-sqlite3';

/** The code sits alone on an indented line of the reset-code mail's text body. */
const CODE_LINE = /^\s+(\d{6,10})\s*$/m;

export class OutboxReader {
  /** @param {string} dbPath @param {number} pollMs */
  constructor(dbPath, pollMs = 5) {
    this.db = new Database(dbPath, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    this.newRows = this.db.prepare('SELECT rowid AS rowid, to_address AS "to", text_body AS text FROM dev_outbox WHERE rowid > ? ORDER BY rowid');
    this.lastRowid = this.db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM dev_outbox').get().n;
    this.pendingOutbox = this.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
    this.pollMs = pollMs;
    /** address → { after, resolve, reject, timer } */
    this.waiters = new Map();
    /** address → { rowid, code }: codes that arrived before anyone asked (latest per address). */
    this.unclaimed = new Map();
    this.timer = null;
    this.polls = 0;
  }

  /** The rowid a later code must exceed; take it before starting the flow. */
  cursor() {
    return this.lastRowid;
  }

  /** Resolves the first code mailed to `address` with a rowid above `after`. */
  waitForCode(address, after, timeoutMs = 30_000) {
    const early = this.unclaimed.get(address);
    if (early && early.rowid > after) {
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
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poll();
      if (this.waiters.size > 0) this.schedule();
    }, this.pollMs);
  }

  poll() {
    this.polls += 1;
    for (const row of this.newRows.all(this.lastRowid)) {
      this.lastRowid = row.rowid;
      const match = CODE_LINE.exec(row.text);
      if (!match) continue; // the "password changed" notice, not a code
      const waiter = this.waiters.get(row.to);
      if (waiter && row.rowid > waiter.after) {
        clearTimeout(waiter.timer);
        this.waiters.delete(row.to);
        waiter.resolve(match[1]);
      } else {
        this.unclaimed.set(row.to, { rowid: row.rowid, code: match[1] });
      }
    }
  }

  /** Skips everything mailed so far (between phases). */
  catchUp() {
    this.poll();
    this.unclaimed.clear();
  }

  /** Messages the worker has not delivered yet. */
  backlog() {
    return this.pendingOutbox.get().n;
  }

  close() {
    if (this.timer) clearTimeout(this.timer);
    for (const [, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('outbox reader closed'));
    }
    this.waiters.clear();
    this.db.close();
  }
}
