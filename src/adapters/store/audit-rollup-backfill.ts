import { sql, type Kysely } from 'kysely';
import { addToRollup, rollupRowsOf, type RollupEntry, type RollupRow } from './audit-rollup.js';
import type { Database } from './schema.js';

/** Options for {@link rebuildAuditRollup}. */
export interface RebuildRollupOptions {
  /** Entries read per query (default 5000). */
  pageSize?: number;
  /** Told after each page: entries read so far. Must not throw. */
  onProgress?: (entries: number) => void;
}

/** What the backfill remembers of a flow while it reads on, to fill in what older entries did not record. */
interface FlowTrace {
  purpose: string;
  startedAt: number;
  proofs: number;
  methods: string[];
}

/** Flows older than this (by their start) are forgotten: every flow has ended long before. */
const FLOW_MEMORY_MS = 2 * 86_400_000;
/** Rollup rows gathered before they are written: memory stays bounded however long the log is. */
const FLUSH_AT = 20_000;

/**
 * Empties `audit_rollup` and counts every stored audit entry into it again, reading the log by `seq` in
 * pages. Entries written before their details carried everything the rollup counts are completed from their
 * flow's earlier entries: the proof's number and the flow's purpose (`reset.code_verified`, from the flow's
 * `reset.started` and earlier proofs), the time to reset and the methods (`reset.completed`).
 *
 * Run it inside one transaction (the caller's: migration 0013 runs it in its own) while nothing appends:
 * entries appended by another node meanwhile would be counted twice or not at all. Returns the entries read.
 */
export async function rebuildAuditRollup(db: Kysely<Database>, options: RebuildRollupOptions = {}): Promise<number> {
  const pageSize = options.pageSize ?? 5000;
  await sql`delete from audit_rollup`.execute(db);
  const flows = new Map<string, FlowTrace>();
  let pending = new Map<string, RollupRow>();
  let after = -1;
  let read = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', 'chain', 'at', 'tenant_id', 'event', 'outcome', 'flow_id', 'details'])
      .where('seq', '>', after)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const entry: RollupEntry = { tenantId: row.tenant_id, at: Number(row.at), event: row.event, outcome: row.outcome, chain: Number(row.chain), details: parse(row.details) };
      if (row.flow_id) entry.details = completed(flows, row.flow_id, entry);
      rollupRowsOf([entry], pending);
    }
    read += rows.length;
    if (pending.size >= FLUSH_AT) {
      await addToRollup(db, [...pending.values()]);
      pending = new Map();
    }
    options.onProgress?.(read);
    if (rows.length < pageSize) break;
    after = Number(rows[rows.length - 1]!.seq);
    forgetOldFlows(flows, Number(rows[rows.length - 1]!.at) - FLOW_MEMORY_MS);
  }
  await addToRollup(db, [...pending.values()]);
  return read;
}

/** The entry's details, with what the rollup counts filled in from the flow's earlier entries where missing. */
function completed(flows: Map<string, FlowTrace>, flowId: string, entry: RollupEntry): Readonly<Record<string, unknown>> {
  const details = entry.details;
  if (entry.event === 'reset.started') {
    flows.set(flowId, { purpose: typeof details.purpose === 'string' ? details.purpose : 'reset', startedAt: entry.at, proofs: 0, methods: [] });
    return details;
  }
  const flow = flows.get(flowId);
  if (!flow) return details;
  switch (entry.event) {
    case 'reset.code_verified': {
      if (entry.outcome !== 'success') return details;
      flow.proofs += 1;
      if (typeof details.method === 'string') flow.methods.push(details.method);
      return { proof: flow.proofs, purpose: flow.purpose, ...details };
    }
    case 'reset.code_failed':
    case 'reset.attempts_exceeded':
      return { purpose: flow.purpose, ...details };
    case 'reset.completed':
      flows.delete(flowId);
      return { durationMs: entry.at - flow.startedAt, methods: flow.methods, ...details };
    case 'account.unlocked':
      flows.delete(flowId);
      return details;
    default:
      return details;
  }
}

/** Drops flows started before `before` (the map holds them in start order, so from the front). */
function forgetOldFlows(flows: Map<string, FlowTrace>, before: number): void {
  for (const [flowId, flow] of flows) {
    if (flow.startedAt >= before) return;
    flows.delete(flowId);
  }
}

function parse(details: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(details);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
