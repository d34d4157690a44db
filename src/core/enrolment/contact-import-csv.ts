/**
 * An incremental RFC 4180 CSV reader for `unlatch methods import`: text goes in chunk by chunk, whole records
 * come out, so a file of any size is read with flat memory. Pure: no I/O; the caller reads the file.
 *
 * - Fields are separated by `,`; records by CRLF, LF or a lone CR (also when a CRLF is split between chunks).
 * - A field that starts with `"` is quoted: it may hold commas, line breaks and `""` (one quote).
 * - A leading UTF-8 byte order mark is dropped; blank lines are skipped.
 * - Malformed quoting does not stop the reader: the record carries a `problem` and reading goes on, so every
 *   bad row of a file can be reported at once (the same rules as `users import`'s reader).
 */

/** One record and the line of the file it starts on (1-based, as an editor shows it). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record's quoting is malformed; its fields are then only a best effort. */
  problem?: string;
}

const COMMA = ',';
const QUOTE = '"';
const LF = '\n';
const CR = '\r';

type State = 'start' | 'unquoted' | 'quoted' | 'quote_in_quoted' | 'after_quoted';

/** Feed it with `push`, finish with `end`; each call returns the records completed by then. */
export class CsvChunkReader {
  private line = 1;
  private first = true;
  /** A CR was the last character seen: an LF right after it belongs to the same line break. */
  private pendingCr = false;
  private record: CsvRecord | null = null;
  private field = '';
  private state: State = 'start';
  private out: CsvRecord[] = [];

  push(chunk: string): CsvRecord[] {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) this.take(text[i]!);
    return this.flush();
  }

  /** The last record, when the file does not end with a line break; a quoted field still open is a problem. */
  end(): CsvRecord[] {
    if (this.record) {
      if (this.state === 'quoted') this.record.problem ??= `a quoted field that starts on line ${this.record.line} is never closed`;
      this.finishRecord();
    }
    return this.flush();
  }

  private take(c: string): void {
    const afterCr = this.pendingCr;
    this.pendingCr = c === CR;
    if (this.record === null) {
      // Between records: a line break here is a blank line (or the LF of a CRLF already counted).
      if (c === LF && afterCr) return;
      if (c === CR || c === LF) {
        this.line += 1;
        return;
      }
      this.record = { line: this.line, fields: [] };
      this.field = '';
      this.state = 'start';
    }
    switch (this.state) {
      case 'start':
        if (c === QUOTE) {
          this.state = 'quoted';
          return;
        }
        this.state = 'unquoted';
        this.unquoted(c);
        return;
      case 'unquoted':
        this.unquoted(c);
        return;
      case 'quoted':
        if (c === QUOTE) {
          this.state = 'quote_in_quoted';
          return;
        }
        // A line break inside a quoted field is data, but the file's lines still advance (CRLF counts once).
        if (c === CR || (c === LF && !afterCr)) this.line += 1;
        this.field += c;
        return;
      case 'quote_in_quoted':
        if (c === QUOTE) {
          this.field += QUOTE;
          this.state = 'quoted';
          return;
        }
        this.state = 'after_quoted';
        this.afterQuoted(c);
        return;
      case 'after_quoted':
        this.afterQuoted(c);
        return;
    }
  }

  private unquoted(c: string): void {
    if (this.separator(c)) return;
    if (c === QUOTE) this.record!.problem ??= 'a quote inside an unquoted field (quote the whole field and double the quote)';
    this.field += c;
  }

  /** After a closing quote only a comma or the end of the record may follow. */
  private afterQuoted(c: string): void {
    if (this.separator(c)) return;
    this.record!.problem ??= 'text after a closing quote (a quote inside a field must be doubled and the whole field quoted)';
    this.field += c;
  }

  /** Ends the field at a comma, or the record at a line break; false for any other character. */
  private separator(c: string): boolean {
    if (c === COMMA) {
      this.record!.fields.push(this.field);
      this.field = '';
      this.state = 'start';
      return true;
    }
    if (c === CR || c === LF) {
      this.finishRecord();
      this.line += 1;
      return true;
    }
    return false;
  }

  private finishRecord(): void {
    this.record!.fields.push(this.field);
    this.out.push(this.record!);
    this.record = null;
    this.field = '';
    this.state = 'start';
  }

  private flush(): CsvRecord[] {
    const done = this.out;
    this.out = [];
    return done;
  }
}

/** Every record of `chunks`, in order, as they complete (the chunks of a file read as UTF-8 text). */
export async function* csvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  const reader = new CsvChunkReader();
  for await (const chunk of chunks) yield* reader.push(chunk);
  yield* reader.end();
}
