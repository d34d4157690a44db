import { csvRecord } from '../audit-export.js';
import type { ReportRow } from './report.js';

/**
 * A report as CSV (RFC 4180, CRLF), with the audit export's quoting and spreadsheet-formula protection: a
 * header row, then one record per row as the rows arrive (memory stays flat).
 */
export async function* reportCsv(columns: readonly string[], rows: AsyncIterable<ReportRow>, options: { bom?: boolean } = {}): AsyncGenerator<string> {
  yield (options.bom ? '\uFEFF' : '') + csvRecord(columns);
  for await (const row of rows) yield csvRecord(row);
}

/**
 * Reads the first row before anything is sent: a directory that is down fails here, as a clean error answer,
 * not as a download cut short. The rows then come as before, the first one included.
 */
export async function primed<T>(rows: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      try {
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // A reader that stops early (a closed download) ends the directory listing too.
        await iterator.return?.();
      }
    },
  };
}
