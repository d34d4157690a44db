import type { UnlatchConfig } from '../config/schema.js';

type App = Awaited<ReturnType<typeof import('../app.js').buildApp>>;

/**
 * The app for a one-shot command that queues work (notices, hooks, reminders) for the worker to deliver: no
 * in-process worker or reminder rounds of its own. Closed when `work` ends, however it ends.
 */
export async function withQueueingApp<T>(config: UnlatchConfig, work: (app: App) => Promise<T>): Promise<T> {
  const { buildApp } = await import('../app.js');
  const app = await buildApp({ config: { ...config, reminders: { ...config.reminders, inProcess: false } }, startWorker: false });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
