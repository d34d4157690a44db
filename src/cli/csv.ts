/**
 * A small RFC 4180 CSV reader for `unlatch users import`. Pure: text in, records out.
 *
 * - Fields are separated by `,`; records by CRLF, LF or a lone CR.
 * - A field that starts with `"` is quoted: it may hold commas, line breaks and `""` (one quote).
 * - A leading UTF-8 byte order mark is dropped; blank lines are skipped.
 * - Malformed quoting does not stop the reader: the record carries a `problem` and reading goes on,
 *   so that every bad row of a file can be reported at once.
 */

/** One record and the line of the file it starts on (1-based, as an editor shows it). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record's quoting is malformed; its fields are then only a best effort. */
  problem?: string;
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  /** Consumes a line break at `i` (CRLF, LF or CR); returns whether there was one. */
  const lineBreak = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    else if (c === LF) i += 1;
    else return false;
    line += 1;
    return true;
  };

  /** Reads up to the next comma or line break; a quote here is malformed but kept as text. */
  const readUnquoted = (record: CsvRecord): string => {
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === CR || c === LF) break;
      if (c === QUOTE) record.problem ??= 'a quote inside an unquoted field (quote the whole field and double the quote)';
      i += 1;
    }
    return text.slice(start, i);
  };

  /** Reads a quoted field whose opening quote is at `i`. */
  const readQuoted = (record: CsvRecord): string => {
    i += 1;
    let field = '';
    for (;;) {
      const quote = text.indexOf('"', i);
      const end = quote === -1 ? n : quote;
      const chunk = text.slice(i, end);
      line += countLineBreaks(chunk);
      field += chunk;
      i = end;
      if (quote === -1) {
        record.problem ??= `a quoted field that starts on line ${record.line} is never closed`;
        return field;
      }
      if (text.charCodeAt(quote + 1) === QUOTE) {
        field += '"';
        i = quote + 2;
        continue;
      }
      i = quote + 1;
      // After the closing quote only a comma or the end of the record may follow.
      const rest = readUnquoted(record);
      if (rest !== '') {
        record.problem ??= 'text after a closing quote (a quote inside a field must be doubled and the whole field quoted)';
        field += rest;
      }
      return field;
    }
  };

  while (i < n) {
    // A blank line is no record (this also covers the line break that ends the last record).
    if (lineBreak()) continue;
    const record: CsvRecord = { line, fields: [] };
    for (;;) {
      record.fields.push(text.charCodeAt(i) === QUOTE ? readQuoted(record) : readUnquoted(record));
      if (i < n && text.charCodeAt(i) === COMMA) {
        i += 1;
        continue;
      }
      break;
    }
    records.push(record);
    lineBreak();
  }
  return records;
}

/** Line breaks inside a quoted field, counted the way the reader counts them (CRLF is one). */
function countLineBreaks(chunk: string): number {
  let count = 0;
  for (let k = 0; k < chunk.length; k++) {
    const c = chunk.charCodeAt(k);
    if (c === LF) count += 1;
    else if (c === CR && chunk.charCodeAt(k + 1) !== LF) count += 1;
  }
  return count;
}
