import { sql, type Kysely, type Selectable } from 'kysely';
import {
  encodeAuditCursor,
  eventMatches,
  normalizeAuditFilter,
  normalizeAuditPage,
  type AuditCursor,
  type NormalizedAuditFilter,
} from '../../core/admin/audit-filter.js';
import type { AuditFilter, AuditPage, AuditQuery, AuditRecord, AuditSearchResult } from '../../core/ports/audit-query.js';
import { entryOf } from './audit-reader.js';
import type { AuditLogTable, Database } from './schema.js';

type Row = Selectable<AuditLogTable>;

/** Options for {@link SqlAuditSearch}. */
export interface AuditSearchOptions {
  /** Entries per query while streaming an export (default 1000). */
  streamPageSize?: number;
}

/**
 * The AuditQuery port over Kysely (SQLite or PostgreSQL). Every page is one index range read in
 * `(at, seq)` order (see migration 0013's indexes), never an OFFSET: the millionth entry costs what the
 * first does. A filter on several events (or a prefix) without a person or flow to narrow it runs one such
 * read per event and merges them, so a rare event among common ones is still an index read, not a scan.
 */
export class SqlAuditSearch implements AuditQuery {
  private readonly streamPageSize: number;

  constructor(
    private readonly db: Kysely<Database>,
    options: AuditSearchOptions = {},
  ) {
    this.streamPageSize = options.streamPageSize ?? 1000;
  }

  async search(filter: AuditFilter, page: AuditPage): Promise<AuditSearchResult> {
    const normalized = normalizeAuditFilter(filter);
    const { after, limit } = normalizeAuditPage(page);
    return this.page(normalized, after, limit);
  }

  stream(filter: AuditFilter): AsyncIterable<AuditRecord> {
    // Checked now, not at the first read: a bad filter fails before an export starts answering.
    const normalized = normalizeAuditFilter(filter);
    const pageSize = this.streamPageSize;
    const page = (after: AuditCursor | null) => this.page(normalized, after, pageSize);
    return {
      async *[Symbol.asyncIterator]() {
        let after: AuditCursor | null = null;
        for (;;) {
          const { entries, next } = await page(after);
          yield* entries;
          const last = entries[entries.length - 1];
          if (next === null || !last) return;
          after = { at: last.at.getTime(), seq: last.seq };
        }
      },
    };
  }

  async get(tenantId: string, id: string): Promise<AuditRecord | null> {
    if (typeof tenantId !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 64) return null;
    const row = await this.db.selectFrom('audit_log').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? recordOf(row) : null;
  }

  private async page(filter: NormalizedAuditFilter, after: AuditCursor | null, limit: number): Promise<AuditSearchResult> {
    // One more than asked: whether it exists says whether there is a next page.
    const rows = await this.rows(filter, after, limit + 1);
    const entries = rows.slice(0, limit).map(recordOf);
    const last = entries[entries.length - 1];
    return { entries, next: rows.length > limit && last ? encodeAuditCursor({ at: last.at.getTime(), seq: last.seq }) : null };
  }

  private async rows(filter: NormalizedAuditFilter, after: AuditCursor | null, count: number): Promise<Row[]> {
    const events = filter.events;
    // A person's or a flow's entries are few: one read of them, events filtered on the rows.
    if (events === null || filter.subjectId !== null || filter.flowId !== null) return this.read(filter, after, count, null);
    const names = await this.eventNames(filter);
    if (names.length === 1) return this.read(filter, after, count, names[0]!);
    const pages = await Promise.all(names.map((name) => this.read(filter, after, count, name)));
    return pages.flat().sort(newestFirst).slice(0, count);
  }

  /**
   * The filter's exact events, and the tenant's events under its prefixes: every event the tenant ever had is
   * in the rollup, read name by name along `audit_rollup_events` (a loose index scan: one seek per distinct
   * name, however many rows). An event with no entry in the time range costs one empty index probe later.
   */
  private async eventNames(filter: NormalizedAuditFilter): Promise<string[]> {
    const events = filter.events!;
    const names = new Set(events.exact);
    if (events.prefixes.length > 0) {
      const tenant = filter.tenantId;
      const found = await sql<{ event: string }>`
        with recursive names(event) as (
          select min(event) from audit_rollup where tenant_id = ${tenant} and grain = 'd'
          union all
          select (select min(r.event) from audit_rollup r where r.tenant_id = ${tenant} and r.grain = 'd' and r.event > names.event)
          from names where names.event is not null
        )
        select event from names where event is not null`.execute(this.db);
      for (const { event } of found.rows) if (eventMatches(events, event)) names.add(event);
    }
    return [...names];
  }

  /** One index range read, newest first from the cursor; `event` null means the filter's events are checked on the rows. */
  private read(filter: NormalizedAuditFilter, after: AuditCursor | null, count: number, event: string | null): Promise<Row[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', filter.tenantId);
    if (filter.subjectId !== null) query = query.where('subject_id', '=', filter.subjectId);
    if (filter.flowId !== null) query = query.where('flow_id', '=', filter.flowId);
    if (filter.ip !== null) query = query.where('ip', '=', filter.ip);
    if (filter.actor !== null) query = query.where('actor', '=', filter.actor);
    if (filter.outcome !== null) query = query.where('outcome', '=', filter.outcome);
    if (filter.fromMs !== null) query = query.where('at', '>=', filter.fromMs);
    if (filter.toMs !== null) query = query.where('at', '<', filter.toMs);
    if (event !== null) {
      query = query.where('event', '=', event);
    } else if (filter.events !== null) {
      const { exact, prefixes } = filter.events;
      query = query.where((eb) =>
        eb.or([
          ...(exact.length > 0 ? [eb('event', 'in', exact)] : []),
          ...prefixes.map((prefix) => eb(eb.fn('substr', ['event', eb.val(1), eb.val(prefix.length)]), '=', prefix)),
        ]),
      );
    }
    if (after) query = query.where((eb) => eb(eb.refTuple('at', 'seq'), '<', eb.tuple(after.at, after.seq)));
    return query.orderBy('at', 'desc').orderBy('seq', 'desc').limit(count).execute();
  }
}

function newestFirst(a: Row, b: Row): number {
  return Number(b.at) - Number(a.at) || Number(b.seq) - Number(a.seq);
}

/** A stored row in readable form: the entry as the hash sees it, with its time as a Date and details parsed. */
export function recordOf(row: Row): AuditRecord {
  const entry = entryOf(row);
  return { ...entry, at: new Date(entry.at), details: detailsOf(entry.details) };
}

function detailsOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { unparsed: text };
  }
}
