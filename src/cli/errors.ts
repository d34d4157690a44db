import { ConfigError } from '../config/load-config.js';

/** Wrong or missing arguments: exit code 2, with a hint to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command could not do its work (bad input file, conflict, database down): exit code 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** 2 for usage and configuration problems, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof ConfigError ? 2 : 1;
}

/** One line, whatever the error: no stack, no line breaks, the inner error of an AggregateError when it says more. */
export function oneLine(error: unknown): string {
  let message: string;
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) message = oneLine(error.errors[0]);
  else if (error instanceof Error) message = error.message || error.name;
  else message = String(error);
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'SQLITE_CANTOPEN', 'EACCES']);

/** Whether an error from opening or first querying a database means "cannot reach it" (rather than a bug). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  // The store adapter wraps driver failures (UnlatchError 'store_unavailable'); the driver's error is the cause.
  if (error instanceof Error && error.cause !== undefined && isConnectionError(error.cause)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^(08|28|3D)/.test(code))) return true;
  return error instanceof Error && /timeout exceeded when trying to connect|connection terminated|unable to open database/i.test(error.message);
}

/** A unique index refused an insert (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
