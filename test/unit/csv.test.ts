import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits plain records and fields', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c\n,,\nx,y,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
      ['x', 'y', ''],
    ]);
  });

  it('reads a last record without a final line break', () => {
    expect(fields('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with embedded commas, doubled quotes and line breaks', () => {
    const records = parseCsv('name,note\n"Chen, Carol","say ""hi""\nand bye"\n"",x\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['name', 'note'],
      ['Chen, Carol', 'say "hi"\nand bye'],
      ['', 'x'],
    ]);
    expect(records.every((r) => r.problem === undefined)).toBe(true);
  });

  it('keeps a CRLF inside a quoted field as it is', () => {
    expect(fields('"one\r\ntwo",3\r\n')).toEqual([['one\r\ntwo', '3']]);
  });

  it('treats CRLF, LF and a lone CR as record ends', () => {
    expect(fields('a,b\r\n1,2\r\n3,4\n5,6\r7,8')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
      ['7', '8'],
    ]);
  });

  it('drops a UTF-8 byte order mark, so the first header is not "\\uFEFFusername"', () => {
    expect(fields('\uFEFFusername,email\r\nalice,a@example.com\r\n')).toEqual([
      ['username', 'email'],
      ['alice', 'a@example.com'],
    ]);
    // Only at the very start: elsewhere it is data.
    expect(fields('a\n\uFEFFb\n')).toEqual([['a'], ['\uFEFFb']]);
  });

  it('skips blank lines', () => {
    expect(fields('a\n\n\r\nb\n\n')).toEqual([['a'], ['b']]);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    const records = parseCsv('h1,h2\r\n"multi\r\nline\nfield",x\r\n\r\nlast,y\r\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 6]);
    expect(parseCsv('a\r"b\rc"\rd').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('keeps spaces around fields (they are data)', () => {
    expect(fields(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  it('flags a quote inside an unquoted field and reads on', () => {
    const records = parseCsv('a,b\nx"y,z\nok,fine\n');
    expect(records[1]).toMatchObject({ line: 2, fields: ['x"y', 'z'] });
    expect(records[1]!.problem).toMatch(/quote inside an unquoted field/);
    expect(records[2]).toEqual({ line: 3, fields: ['ok', 'fine'] });
  });

  it('flags text after a closing quote and reads on', () => {
    const records = parseCsv('"ab"c,d\ne,f\n');
    expect(records[0]!.problem).toMatch(/after a closing quote/);
    expect(records[0]!.fields).toEqual(['abc', 'd']);
    expect(records[1]).toEqual({ line: 2, fields: ['e', 'f'] });
  });

  it('flags a quoted field that is never closed, naming the line it starts on', () => {
    const records = parseCsv('a,b\nc,"open\nmore\n');
    expect(records).toHaveLength(2);
    expect(records[1]!.line).toBe(2);
    expect(records[1]!.problem).toBe('a quoted field that starts on line 2 is never closed');
  });

  it('returns nothing for an empty input or a lone BOM', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});
