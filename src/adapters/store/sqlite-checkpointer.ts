import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker's whole program: its own connection, a PASSIVE checkpoint on a timer, a final TRUNCATE on stop. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch (error) { parentPort.postMessage({ error: String(error && error.message) }); } };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.close();
});
`;

/**
 * Moves most of SQLite's WAL checkpointing off the event loop. A checkpoint copies the log into the
 * database and syncs it to disk; run inside a commit on the main thread it stalls every request for
 * tens of milliseconds. Here a worker thread with its own connection does it on a short timer
 * (PASSIVE: it never blocks writers), so the commit-time checkpoint mostly finds nothing left to copy.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(
    path: string,
    onFailure: (message: string) => void,
    intervalMs = 200,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, intervalMs } });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) onFailure(message.error);
    });
    this.worker.on('error', (error) => onFailure(error.message));
  }

  /** Runs a last checkpoint that also empties the log file, then ends the thread. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Held while stopping: an unreferenced thread would let a process with nothing else to do exit mid-close.
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
    await this.worker.terminate();
  }
}
