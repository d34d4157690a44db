import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { CsvChunkReader, csvRecords, type CsvRecord } from '../../src/core/enrolment/contact-import-csv.js';
import { planContacts } from '../../src/core/enrolment/contact-import-plan.js';
import { normalizeContactPhone, readContactHeader, readContactRow } from '../../src/core/enrolment/contact-import-rows.js';
import type { RegisteredMethod } from '../../src/core/ports/methods.js';

/** Reads `text` cut into chunks at every `size` characters. */
function chunked(text: string, size: number): CsvRecord[] {
  const reader = new CsvChunkReader();
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  return [...out, ...reader.end()];
}

const SAMPLES = [
  'a,b,c\n1,2,3\n',
  '\uFEFFusername,personal_email\r\nada,"ada@example.net"\r\n\r\nbob,bob@example.org',
  'name,note\n"Chen, Carol","say ""hi""\nand bye"\n"",x\n',
  '"one\r\ntwo",3\r\nlast,line\r',
  'x,"never closed\nstill open',
  'a"b,c\n"q"tail,d\n',
  'a,,c\n,,\nx,y,\n',
  '\n\n\r\n  \nstart,after\rblank\r\rlines\n',
];

describe('CsvChunkReader', () => {
  it('reads every sample as the whole-file reader does, however the text is cut into chunks', () => {
    for (const sample of SAMPLES) {
      const expected = parseCsv(sample);
      for (const size of [1, 2, 3, 5, 7, sample.length]) expect(chunked(sample, size), `${JSON.stringify(sample)} in chunks of ${size}`).toEqual(expected);
    }
  });

  it('counts lines across CRLF split between chunks and inside quoted fields', () => {
    const records = chunked('h1,h2\r\n"multi\r\nline",x\r\nnext,row\r\n', 6);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [2, ['multi\r\nline', 'x']],
      [4, ['next', 'row']],
    ]);
  });

  it('is an async stream of records for async chunks', async () => {
    async function* chunks() {
      yield 'username,mobile\nada,+4';
      yield '1446681800\n';
    }
    const seen: string[][] = [];
    for await (const record of csvRecords(chunks())) seen.push(record.fields);
    expect(seen).toEqual([['username', 'mobile'], ['ada', '+41446681800']]);
  });
});

describe('contact rows', () => {
  const header = (line: string) => readContactHeader(parseCsv(line)[0]!);

  it('reads the documented header in any case, and refuses unknown, repeated or missing columns', () => {
    const good = header(' Username ,PERSONAL_EMAIL,Mobile');
    expect(good.ok && [...good.columns.entries()]).toEqual([['username', 0], ['personal_email', 1], ['mobile', 2]]);
    expect(header('username,private_mail')).toEqual({ ok: false, problems: [{ line: 1, message: 'unknown column "private_mail" (known: username, email, personal_email, mobile)' }] });
    expect(header('username,mobile,MOBILE')).toMatchObject({ ok: false, problems: [{ message: 'column "mobile" appears twice' }] });
    expect(header('personal_email,mobile')).toMatchObject({ ok: false, problems: [{ message: 'the header has no "username" or "email" column to find people by' }] });
    expect(header('username,email')).toMatchObject({ ok: false, problems: [{ message: 'the header has no "personal_email" or "mobile" column: nothing to import' }] });
  });

  it('normalises values as registration does, several per cell, and names every problem of a row', () => {
    const read = header('username,email,personal_email,mobile');
    if (!read.ok) throw new Error('header');
    const row = (line: string) => readContactRow({ ...parseCsv(line)[0]!, line: 7 }, read);
    expect(row('ada,,Ada.Home@Example.NET ; ada2@example.org;ada.home@example.net,0041 44 668 18 00')).toEqual({
      row: { line: 7, identifier: 'ada', emails: ['Ada.Home@example.net', 'ada2@example.org'], phones: ['+41446681800'] },
    });
    // The email column finds the person when the username cell is blank.
    expect(row(',bob@example.com,,+44 (7700) 900-123')).toEqual({ row: { line: 7, identifier: 'bob@example.com', emails: [], phones: ['+447700900123'] } });
    expect(row(',,x@example.net,')).toEqual({ problem: { line: 7, message: 'missing username' } });
    expect(row('carl,,not-an-address,0171 1234567')).toEqual({
      problem: { line: 7, message: 'bad email "not-an-address"; bad phone number "0171 1234567" (write it in international form, e.g. +41 44 668 18 00)' },
    });
    expect(row('dan,,d@example.net,+41446681800,extra')).toEqual({ problem: { line: 7, message: 'expected 4 fields as in the header, found 5' } });
    expect(row('eve,,a@x.org;b@x.org;c@x.org;d@x.org;e@x.org;f@x.org,')).toEqual({ problem: { line: 7, message: 'more than 5 values in one cell' } });
  });

  it('phones: E.164 after separators are dropped; 00 means +; national numbers are refused', () => {
    expect(normalizeContactPhone('+1 (555) 010-9999')).toBe('+15550109999');
    expect(normalizeContactPhone('0044 7700 900123')).toBe('+447700900123');
    expect(normalizeContactPhone('07700 900123')).toBeNull();
    expect(normalizeContactPhone('+0 123 456 789')).toBeNull();
    expect(normalizeContactPhone('+41 44 668 18 00 ext 5')).toBeNull();
  });
});

describe('planContacts', () => {
  const method = (kind: 'email_code' | 'sms_code', value: string, confirmed: boolean, id = `m-${value}`): RegisteredMethod => ({
    id,
    tenantId: 'demo',
    subjectId: 'u1',
    kind,
    name: 'x',
    data: kind === 'email_code' ? { email: value } : { phone: value },
    confirmed,
    lastUsedStep: null,
    createdAt: new Date(0),
    lastUsedAt: null,
    usedAt: null,
  });
  const account = { email: 'ada@corp.example' };

  it('adds new values, skips what the person holds and the directory address', () => {
    const plan = planContacts(account, { emails: ['ADA@corp.example', 'home@example.net', 'old@example.net'], phones: ['+41446681800', '+15550109999'] }, [method('email_code', 'Old@Example.net', true), method('sms_code', '+15550109999', true)], false);
    expect(plan).toEqual({ add: [{ kind: 'email_code', value: 'home@example.net' }, { kind: 'sms_code', value: '+41446681800' }], remove: [] });
  });

  it('a value waiting for confirmation stays as it is, unless imports are trusted: then it is replaced by a confirmed one', () => {
    const pending = method('email_code', 'home@example.net', false, 'pending-1');
    expect(planContacts(account, { emails: ['home@example.net'], phones: [] }, [pending], false)).toEqual({ add: [], remove: [] });
    expect(planContacts(account, { emails: ['home@example.net'], phones: [] }, [pending], true)).toEqual({ add: [{ kind: 'email_code', value: 'home@example.net' }], remove: [pending] });
  });
});
