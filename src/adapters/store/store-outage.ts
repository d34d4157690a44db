import { UnlatchError } from '../../core/errors.js';

/** How long a client is told to wait after a store outage: a restart or failover usually takes seconds. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the server is down, restarting, or the network between us is. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "wrong query": class 08 (connection exception),
 * 57P01–57P03 (admin/crash shutdown, cannot connect now: a restart), 53300 (too many connections).
 */
const PG_OUTAGE_STATE = /^(08...|57P0[123]|53300)$/;

/** Messages `pg` and `pg-pool` use for a lost or never-made connection (they carry no code). */
const PG_OUTAGE_MESSAGE = /connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout|server closed the connection/i;

/** better-sqlite3 codes for a file that is locked past busy_timeout, unreadable or gone. */
const SQLITE_OUTAGE_CODE = /^SQLITE_(BUSY|IOERR|CANTOPEN|FULL)/;

/** True when `error` means the database cannot be reached or cannot serve right now (not a bug in a query). */
export function isStoreOutage(error: unknown): boolean {
  if (error instanceof UnlatchError) return error.code === 'store_unavailable';
  if (error instanceof AggregateError && error.errors.some(isStoreOutage)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || PG_OUTAGE_STATE.test(code) || SQLITE_OUTAGE_CODE.test(code))) return true;
  return error instanceof Error && PG_OUTAGE_MESSAGE.test(error.message);
}

/**
 * The typed error for a store outage, or `error` itself when it is something else. The driver's message
 * (host, port, SQLSTATE text; never a password or query parameter) stays in the cause, for the server log.
 */
export function asStoreError(error: unknown): unknown {
  if (error instanceof UnlatchError || !isStoreOutage(error)) return error;
  const described = error instanceof Error ? error.message || error.name : String(error);
  const unavailable = new UnlatchError('store_unavailable', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS }, `store unavailable (${described})`);
  unavailable.cause = error;
  return unavailable;
}
