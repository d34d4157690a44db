import type { Kysely } from 'kysely';
import type { StoredAuditEntry } from '../../src/core/audit/audit-hash.js';
import { AuditChainVerifier, type ChainVerdict } from '../../src/core/audit/chain-verifier.js';
import { entryOf } from '../../src/adapters/store/audit-reader.js';
import type { Database } from '../../src/adapters/store/schema.js';

/** Reads the audit table the way a verifier sees it (tests only). */
export class SqlAuditReaderForTests {
  constructor(private readonly db: Kysely<Database>) {}

  async count(): Promise<number> {
    const row = await this.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every entry in global `seq` order (the order they were numbered in, not necessarily each chain's). */
  async all(): Promise<StoredAuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    return rows.map(entryOf);
  }

  /** Every chain checked, and each chain's last hash held against its `audit_head` row. */
  async verify(): Promise<{ verdict: ChainVerdict; headsMatch: boolean }> {
    const verifier = new AuditChainVerifier();
    // Each chain in position order: global seq need not follow it within a chain.
    for (const row of (await this.all()).sort((a, b) => a.chain - b.chain || a.chainSeq - b.chainSeq)) verifier.feed(row);
    const verdict = verifier.verdict();
    const heads = await this.db.selectFrom('audit_head').selectAll().execute();
    const headsMatch =
      verdict.ok &&
      heads.every((head) => {
        const chain = verdict.chains.get(Number(head.id));
        return chain ? chain.entries === Number(head.seq) && chain.headHash === head.hash : Number(head.seq) === 0;
      });
    return { verdict, headsMatch };
  }
}
