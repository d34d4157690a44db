import { randomInt } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { MAX_AUDIT_CHAINS, auditEntryHash, canonicalJson } from '../../core/audit/audit-hash.js';
import { newId } from '../../core/crypto/secrets.js';
import type { AuditAppender, AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';
import type { Sealer } from '../../core/crypto/sealer.js';
import { SqlOutboxWriter } from './outbox-writer.js';
import { rollupRowsOf, rollupUpsert } from './audit-rollup.js';
import { auditSinkKey } from '../../core/audit/sink-keys.js';
import { hookMessagesOf, type HookRoute } from '../../core/hooks/hook-events.js';

/** Queues each new entry for the audit export, in the entry's own transaction (nothing logged is lost on the way). */
export interface AuditExport {
  sealer: Sealer;
  /** The audit sinks: one row per entry and sink, keyed so each sink is delivered in order (default: the legacy single file). */
  sinks?: readonly string[];
  /** The post-reset hooks: one row per entry and hook that hears its event (docs/hooks.md). */
  hooks?: readonly HookRoute[];
}

/** How many chains appends spread over when nothing says otherwise (the `audit.chains` default). */
export const DEFAULT_AUDIT_CHAINS = 8;

/** Audit rows per insert statement: 17 columns each, well within every database's bind-parameter limit. */
const INSERT_CHUNK = 500;

/** Which chain an appender writes to: chosen once per appender, so a transaction's entries stay in one chain. */
export interface AuditChainChoice {
  /** Spread appends over chains 0 … chains-1 (1 to 64; default 8). */
  chains?: number;
  /** Pins the choice (tests); default: uniformly at random among `chains`. */
  pickChain?: () => number;
}

/**
 * Appends to one of several parallel hash chains inside a transaction. On PostgreSQL the chain's head row
 * lock keeps that chain's appends in one line; transactions that picked other chains do not wait for it, so
 * nodes do not all queue on one row. The lock is held from the first append to the commit, so callers
 * append as late as they can (SqlStore appends a transaction's entries together, just before its commit).
 */
export class SqlAuditAppender implements AuditAppender {
  private chain: number | null = null;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly exportTo: AuditExport | null = null,
    private readonly choice: AuditChainChoice = {},
  ) {}

  async append(entry: AuditEntryInput): Promise<void> {
    await this.appendAll([entry]);
  }

  /** Appends the entries in order to this appender's chain, with one read of its head, one insert and one head update. */
  async appendAll(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    // Numbered before the head is locked: one round trip less under the lock. So within a chain the global
    // numbers need not rise with the positions; verifiers follow `chain_seq`, never `seq`.
    const seqs = await this.globalSeqs(entries.length);
    const { chain, head } = await this.lockHead();
    const at = this.clock.now().getTime();
    let chainSeq = Number(head.seq);
    let prevHash = head.hash;
    const rows = entries.map((entry, index) => {
      chainSeq += 1;
      const fields = {
        seq: seqs[index]!,
        chain,
        chainSeq,
        id: newId(),
        at,
        tenantId: entry.tenantId,
        event: entry.event,
        outcome: entry.outcome,
        actor: entry.actor,
        subjectId: entry.subjectId ?? null,
        flowId: entry.flowId ?? null,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent ? entry.userAgent.slice(0, 256) : null,
        correlationId: entry.correlationId ?? null,
        details: canonicalJson(entry.details ?? {}),
      };
      const hash = auditEntryHash(prevHash, fields);
      const row = { fields, prevHash, hash };
      prevHash = hash;
      return row;
    });
    const values = rows.map(({ fields, prevHash: previous, hash }) => ({
      seq: fields.seq,
      chain: fields.chain,
      chain_seq: fields.chainSeq,
      id: fields.id,
      at: fields.at,
      tenant_id: fields.tenantId,
      event: fields.event,
      outcome: fields.outcome,
      actor: fields.actor,
      subject_id: fields.subjectId,
      flow_id: fields.flowId,
      ip: fields.ip,
      user_agent: fields.userAgent,
      correlation_id: fields.correlationId,
      details: fields.details,
      prev_hash: previous,
      hash,
    }));
    const newHead = { seq: chainSeq, hash: prevHash };
    // A bulk operation audits each person in one transaction: thousands of rows would pass the databases'
    // bind-parameter limits (SQLite 32766) in one insert, so all but the last chunk go in first.
    for (let start = 0; start + INSERT_CHUNK < values.length; start += INSERT_CHUNK) {
      await this.trx.insertInto('audit_log').values(values.slice(start, start + INSERT_CHUNK)).execute();
    }
    const last = values.slice(Math.floor((values.length - 1) / INSERT_CHUNK) * INSERT_CHUNK);
    // The console's counts, in the same transaction: by this chain (`shard`), so the rows are only ever
    // written under the head lock this transaction already holds (no new lock, no new wait).
    const rollup = [...rollupRowsOf(entries.map((entry) => ({ tenantId: entry.tenantId, at, event: entry.event, outcome: entry.outcome, chain, details: entry.details ?? {} }))).values()];
    if (this.dialect === 'postgres') {
      // Insert, rollup and head update in one statement: one round trip less while the head is locked.
      await this.trx
        .with('appended', (db) => db.insertInto('audit_log').values(last))
        .with('counted', (db) => rollupUpsert(db, rollup))
        .updateTable('audit_head')
        .set(newHead)
        .where('id', '=', chain)
        .execute();
    } else {
      await this.trx.insertInto('audit_log').values(last).execute();
      await rollupUpsert(this.trx, rollup).execute();
      await this.trx.updateTable('audit_head').set(newHead).where('id', '=', chain).execute();
    }
    if (!this.exportTo) return;
    const writer = new SqlOutboxWriter(this.trx, this.exportTo.sealer, this.clock);
    const sinks = this.exportTo.sinks ?? [null];
    for (const { fields, prevHash: previous, hash } of rows) {
      for (const sink of sinks) {
        await writer.enqueue({
          channel: 'audit',
          template: 'audit_entry',
          tenantId: fields.tenantId,
          to: sink ?? '',
          data: { ...fields, prevHash: previous, hash },
          idempotencyKey: sink === null ? `audit:${fields.seq}` : auditSinkKey(sink, fields.seq),
          flowId: fields.flowId,
          subjectId: fields.subjectId,
        });
      }
    }
    // Hooks are queued with the event itself: a reset that commits always has its hooks on the way.
    for (const [index, { fields }] of rows.entries()) {
      for (const message of hookMessagesOf(this.exportTo.hooks ?? [], { ...fields, details: entries[index]!.details ?? {} })) await writer.enqueue(message);
    }
  }

  /**
   * The chain this appender writes to and its head, locked on PostgreSQL. One chain per appender: a transaction
   * that locked a head never reaches for a second (no lock-order deadlocks). Its first append on PostgreSQL takes
   * any head no other transaction holds (SKIP LOCKED, from a random chain on), so appends of several nodes never
   * queue while a chain is free — a node that is slow between its append and its commit (a CPU limit's throttling,
   * a pause) then delays nobody; only when every chain is held does it wait for a random one.
   */
  private async lockHead(): Promise<{ chain: number; head: { seq: number | string | bigint; hash: string } }> {
    const headOf = (chain: number) => {
      const query = this.trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', chain);
      // SQLite runs one writer at a time already; PostgreSQL needs the row lock.
      return (this.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirstOrThrow();
    };
    if (this.chain !== null) return { chain: this.chain, head: await headOf(this.chain) };
    if (this.dialect === 'postgres' && !this.choice.pickChain) {
      const chains = this.chainCount();
      const from = randomInt(chains);
      const free = await this.trx
        .selectFrom('audit_head')
        .select(['id', 'seq', 'hash'])
        .where('id', '<', chains)
        .orderBy(sql`(id + ${chains - from}) % ${chains}`)
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (free) {
        this.chain = Number(free.id);
        return { chain: this.chain, head: free };
      }
    }
    this.chain = this.pick();
    return { chain: this.chain, head: await headOf(this.chain) };
  }

  private chainCount(): number {
    const chains = this.choice.chains ?? DEFAULT_AUDIT_CHAINS;
    if (!Number.isInteger(chains) || chains < 1 || chains > MAX_AUDIT_CHAINS) throw new RangeError(`audit chains must be 1 to ${MAX_AUDIT_CHAINS}`);
    return chains;
  }

  private pick(): number {
    const chains = this.chainCount();
    const chain = this.choice.pickChain ? this.choice.pickChain() : randomInt(chains);
    if (!Number.isInteger(chain) || chain < 0 || chain >= MAX_AUDIT_CHAINS) throw new RangeError(`no audit chain ${chain}`);
    return chain;
  }

  /**
   * `count` new global numbers, ascending. PostgreSQL takes them from a sequence (never blocks, may leave gaps
   * when a transaction rolls back); SQLite has one writer at a time, so the next after the largest is safe.
   */
  private async globalSeqs(count: number): Promise<number[]> {
    if (this.dialect === 'postgres') {
      const result = await sql<{ seq: string }>`select nextval('audit_log_global_seq') as seq from generate_series(1, ${count})`.execute(this.trx);
      return result.rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
    }
    const last = await this.trx.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    const from = Number(last?.seq ?? 0);
    return Array.from({ length: count }, (_, i) => from + i + 1);
  }
}
