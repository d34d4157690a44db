import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { AUDIT_CSV_COLUMNS, auditCsv, auditJsonLines, csvField } from '../../src/core/admin/audit-export.js';
import type { AuditRecord } from '../../src/core/ports/audit-query.js';

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq: 41, chain: 3, chainSeq: 7, id: 'e-1', at: new Date(Date.UTC(2026, 2, 1, 8, 0, 0, 5)), tenantId: 'acme', event: 'reset.started', outcome: 'success',
    actor: 'self', subjectId: 'u-1', flowId: 'f-1', ip: '192.0.2.1', userAgent: 'Mozilla/5.0', correlationId: 'c-1', details: { purpose: 'reset', channel: 'email' },
    prevHash: 'a'.repeat(64), hash: 'b'.repeat(64), ...overrides,
  };
}

async function* from(records: AuditRecord[]): AsyncGenerator<AuditRecord> {
  yield* records;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('audit CSV export', () => {
  it('writes a header row and one CRLF-terminated record per entry', async () => {
    const csv = await text(auditCsv(from([record(), record({ seq: 42, subjectId: null, ip: null })])));
    expect(csv.split('\r\n')).toHaveLength(4);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv).map((r) => r.fields);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows[1]).toEqual(['41', 'e-1', '2026-03-01T08:00:00.005Z', 'acme', 'reset.started', 'success', 'self', 'u-1', 'f-1', '192.0.2.1', 'Mozilla/5.0', 'c-1', '{"channel":"email","purpose":"reset"}', '3', '7', 'a'.repeat(64), 'b'.repeat(64)]);
    expect(rows[2]![7]).toBe('');
    expect(rows[2]![9]).toBe('');
  });

  it('quotes commas, quotes and line breaks (RFC 4180), so a reader gets the values back', async () => {
    const tricky = 'Mozilla, "quoted"\r\nsecond line\nthird';
    const csv = await text(auditCsv(from([record({ userAgent: tricky, details: { note: 'a,b' } })])));
    expect(csv).toContain('"Mozilla, ""quoted""\r\nsecond line\nthird"');
    const rows = parseCsv(csv).map((r) => r.fields);
    expect(rows).toHaveLength(2);
    expect(rows[1]![10]).toBe(tricky);
    expect(JSON.parse(rows[1]![12]!)).toEqual({ note: 'a,b' });
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd', "'+1+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['＝1+1', "'＝1+1"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('neutralizes a cell a spreadsheet would run: %j', (value, want) => {
    expect(csvField(value)).toBe(want);
  });

  it('neutralizes formulas in every column an attacker can reach (user agent, actor, subject)', async () => {
    const csv = await text(auditCsv(from([record({ userAgent: '=cmd|"/c calc"!A1', actor: '@admin', subjectId: '+x' })])));
    const fields = parseCsv(csv)[1]!.fields;
    expect(fields[10]).toBe('\'=cmd|"/c calc"!A1');
    expect(fields[6]).toBe("'@admin");
    expect(fields[7]).toBe("'+x");
  });

  it('starts with a byte order mark only when asked', async () => {
    expect((await text(auditCsv(from([]), { bom: true }))).startsWith('\uFEFFseq,')).toBe(true);
    expect((await text(auditCsv(from([])))).startsWith('seq,')).toBe(true);
  });

  it('yields as entries arrive: the header before the first entry is read', async () => {
    let pulled = 0;
    async function* slow(): AsyncGenerator<AuditRecord> {
      pulled += 1;
      yield record();
    }
    const iterator = auditCsv(slow())[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
    expect(pulled).toBe(0);
    await iterator.next();
    expect(pulled).toBe(1);
  });
});

describe('audit JSON lines export', () => {
  it('writes one JSON object per line, time in ISO 8601 and details as an object', async () => {
    const out = await text(auditJsonLines(from([record(), record({ seq: 42, userAgent: 'line\nbreak\u2028sep' })])));
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ seq: 41, at: '2026-03-01T08:00:00.005Z', tenantId: 'acme', details: { purpose: 'reset', channel: 'email' }, hash: 'b'.repeat(64) });
    expect(JSON.parse(lines[1]!).userAgent).toBe('line\nbreak\u2028sep');
  });

  it('writes nothing for no entries', async () => {
    expect(await text(auditJsonLines(from([])))).toBe('');
  });
});
