import { Histogram, type Registry } from 'prom-client';
import type { Directory, DirectoryAccount, PreparedPasswordWrite } from '../../core/ports/directory.js';

/** The operations timed; each is the Directory method's name (a commit is timed apart from its preparation). */
export type TimedOperation =
  | 'findByIdentifier' | 'findById' | 'verifyPassword' | 'preparePasswordWrite' | 'commitPasswordWrite'
  | 'changePassword' | 'commitPasswordChange' | 'unlock' | 'listPeople' | 'searchPeople';

/** `unlatch_directory_operation_duration_seconds{directory,operation,outcome}`: latency of each directory call. */
export class DirectoryMetrics {
  private readonly duration: Histogram<'directory' | 'operation' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'unlatch_directory_operation_duration_seconds',
      help: 'Time of each call to a configured directory by operation (findByIdentifier, verifyPassword, commitPasswordWrite, …) and outcome (ok, error: it threw). A wrong password or no match is ok.',
      labelNames: ['directory', 'operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** Wraps one configured directory (its configured name is the label) so each listed call is timed. */
  wrap(name: string, inner: Directory): Directory {
    return timedDirectory(inner, (operation, outcome, seconds) => this.duration.observe({ directory: name, operation, outcome }, seconds));
  }
}

type Observe = (operation: TimedOperation, outcome: 'ok' | 'error', seconds: number) => void;

/**
 * A Directory that times the calls of another and otherwise passes everything through. Optional methods stay
 * absent when the inner directory lacks them, since callers test for them.
 */
export function timedDirectory(inner: Directory, observe: Observe): Directory {
  async function timed<T>(operation: TimedOperation, call: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
    try {
      const result = await call();
      observe(operation, 'ok', seconds());
      return result;
    } catch (error) {
      observe(operation, 'error', seconds());
      throw error;
    }
  }
  const timedWrite = (operation: TimedOperation, prepared: PreparedPasswordWrite): PreparedPasswordWrite => ({
    commit: (tx) => timed(operation, () => prepared.commit(tx)),
  });
  const wrapped: Directory = {
    findByIdentifier: (tenantId, identifier) => timed('findByIdentifier', () => inner.findByIdentifier(tenantId, identifier)),
    findById: (tenantId, id, options) => timed('findById', () => inner.findById(tenantId, id, options)),
    verifyPassword: (account, password, options) => timed('verifyPassword', () => inner.verifyPassword(account, password, options)),
    verifyDummy: (password, tenantId) => inner.verifyDummy(password, tenantId),
    preparePasswordWrite: async (account, password, options) =>
      timedWrite('commitPasswordWrite', await timed('preparePasswordWrite', () => inner.preparePasswordWrite(account, password, options))),
    changePassword: async (account, oldPassword, newPassword) =>
      timedWrite('commitPasswordChange', await timed('changePassword', () => inner.changePassword(account, oldPassword, newPassword))),
    unlock: (account) => timed('unlock', () => inner.unlock(account)),
  };
  if (inner.supportsMustChange) wrapped.supportsMustChange = (account) => inner.supportsMustChange!(account);
  if (inner.requirePasswordChange) wrapped.requirePasswordChange = (account) => inner.requirePasswordChange!(account);
  if (inner.checksWritesBySignIn) wrapped.checksWritesBySignIn = (account) => inner.checksWritesBySignIn!(account);
  if (inner.passwordRules) wrapped.passwordRules = (account) => inner.passwordRules!(account);
  if (inner.tenantPasswordRules) wrapped.tenantPasswordRules = (tenantId) => inner.tenantPasswordRules!(tenantId);
  if (inner.accountDetails) wrapped.accountDetails = (account) => inner.accountDetails!(account);
  if (inner.searchPeople) wrapped.searchPeople = (tenantId, text, limit) => timed('searchPeople', () => inner.searchPeople!(tenantId, text, limit));
  if (inner.listPeople) wrapped.listPeople = (tenantId, options) => timedIteration(inner.listPeople!(tenantId, options), observe);
  return wrapped;
}

/** A whole `listPeople` walk is one observation: from the first page asked to the last one read (or the error). */
async function* timedIteration(people: AsyncIterable<DirectoryAccount>, observe: Observe): AsyncIterable<DirectoryAccount> {
  const start = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
  try {
    yield* people;
  } catch (error) {
    observe('listPeople', 'error', seconds());
    throw error;
  }
  observe('listPeople', 'ok', seconds());
}
