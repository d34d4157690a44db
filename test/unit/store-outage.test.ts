import { describe, expect, it } from 'vitest';
import { UnlatchError } from '../../src/core/errors.js';
import { asStoreError, isStoreOutage } from '../../src/adapters/store/store-outage.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('which database failures are outages', () => {
  it.each([
    ['connection refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', coded('ECONNRESET')],
    ['socket timeout', coded('ETIMEDOUT')],
    ['broken pipe', coded('EPIPE')],
    ['admin shutdown (restart)', coded('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', coded('57P02')],
    ['starting up', coded('57P03', 'the database system is starting up')],
    ['class 08', coded('08006')],
    ['too many connections', coded('53300')],
    ['lost socket', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['dead client', new Error('Client has encountered a connection error and is not queryable')],
    ['several addresses refused', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')])],
    ['SQLite locked past busy_timeout', coded('SQLITE_BUSY')],
    ['SQLite I/O error', coded('SQLITE_IOERR_SHORT_READ')],
    ['SQLite file cannot be opened', coded('SQLITE_CANTOPEN')],
  ])('%s → store_unavailable with Retry-After', (_name, error) => {
    expect(isStoreOutage(error)).toBe(true);
    const translated = asStoreError(error) as UnlatchError;
    expect(translated).toBeInstanceOf(UnlatchError);
    expect(translated.code).toBe('store_unavailable');
    expect(translated.details).toEqual({ retryAfterSeconds: 5 });
    expect(translated.cause).toBe(error);
  });

  it.each([
    ['unique violation', coded('23505')],
    ['syntax error', coded('42601')],
    ['serialization failure', coded('40001')],
    ['SQLite constraint', coded('SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
  ])('%s stays itself (a bug or a result, not an outage)', (_name, error) => {
    expect(isStoreOutage(error)).toBe(false);
    expect(asStoreError(error)).toBe(error);
  });

  it('passes typed errors through untouched', () => {
    const conflict = new UnlatchError('conflict');
    expect(asStoreError(conflict)).toBe(conflict);
  });
});
