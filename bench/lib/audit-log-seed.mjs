// A synthetic audit log for the admin bench: N entries for one tenant over the last D days, shaped like real
// traffic (reset flows with one or two proofs, abandoned and failed flows, decoys, unlocks, rate limits,
// password changes, security-info sign-ins), written straight into audit_log in bulk. The hash chain is NOT
// valid (fixed hashes): the bench measures reads, and `audit verify` would reject this log.
import { randomUUID } from 'node:crypto';

const HASH = '0'.repeat(64);
const CHAINS = 8;
const UAS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0', 'Mozilla/5.0 (Macintosh) Safari/605.1.15', 'Mozilla/5.0 (Linux; Android 15) Chrome/138.0'];

/** Small deterministic generator (mulberry32). */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON with sorted keys, as the appender stores details. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** One scenario's entries as [event, outcome, actor, details], picked by weight. */
function scenario(random) {
  const r = random();
  const duration = () => Math.round(20_000 * Math.exp(random() * 3.5)); // 20 s … ~11 min, skewed short
  const sent = ['reset.code_sent', 'success', 'system', { channel: 'email', template: 'reset_code' }];
  const started = (purpose = 'reset') => ['reset.started', 'success', 'self', { channel: 'email', purpose }];
  const proof = (method, n, complete, purpose = 'reset') => ['reset.code_verified', 'success', 'self', { method, complete, proof: n, purpose }];
  if (r < 0.4) {
    const d = duration();
    return [started(), sent, proof('email_code', 1, true), ['reset.completed', 'success', 'self', { durationMs: d, methods: ['email_code'] }],
      ['reset.sign_in_checked', random() < 0.97 ? 'success' : 'failure', 'self', { tries: 1 }], ['notice.sent', 'success', 'system', { channel: 'email', template: 'password_changed' }]];
  }
  if (r < 0.5) {
    const second = random() < 0.5 ? 'totp' : 'sms_code';
    return [started(), sent, proof('email_code', 1, false), proof(second, 2, true), ['reset.completed', 'success', 'self', { durationMs: duration() * 2, methods: ['email_code', second] }],
      ['notice.sent', 'success', 'system', { channel: 'email', template: 'password_changed' }]];
  }
  if (r < 0.6) return [started(), random() < 0.98 ? sent : ['reset.code_send_failed', 'failure', 'system', { channel: 'email', template: 'reset_code', reason: 'smtp_5xx' }]];
  if (r < 0.65) {
    const wrong = ['reset.code_failed', 'failure', 'self', { method: 'email_code', attempts: 1, reason: 'wrong', purpose: 'reset' }];
    return [started(), sent, wrong, wrong, ['reset.attempts_exceeded', 'failure', 'self', { method: 'email_code', attempts: 5, reason: 'wrong', purpose: 'reset' }]];
  }
  if (r < 0.75) return [['reset.started', 'decoy', 'self', { identifier: 'nobody', reason: 'unknown', purpose: 'reset' }]];
  if (r < 0.8) return [started('unlock'), sent, proof('email_code', 1, true, 'unlock'), ['account.unlocked', 'success', 'self', { wasLocked: true }], ['notice.sent', 'success', 'system', { channel: 'email', template: 'account_unlocked' }]];
  if (r < 0.85) return [['reset.rate_limited', 'denied', 'self', { bucket: random() < 0.7 ? 'start_ip' : 'verify_identifier' }]];
  if (r < 0.9) return [['password.changed', 'success', 'self', {}], ['notice.sent', 'success', 'system', { channel: 'email', template: 'password_changed' }]];
  return [['signin.password_ok', 'success', 'self', {}], ['signin.completed', 'success', 'self', { method: 'totp' }]];
}

/**
 * Yields arrays of audit_log rows (ascending `at` and `seq`), `batch` at a time, until `entries` rows:
 * tenant `tenantId`, spread evenly over [endMs − days, endMs). People and IPs repeat (20,000 and 8,000).
 */
export function* auditRows({ entries, tenantId, endMs, days = 90, batch = 20_000, seed = 42 }) {
  const random = prng(seed);
  const startMs = endMs - days * 86_400_000;
  const perEntryMs = (endMs - startMs) / entries;
  const chainSeq = new Array(CHAINS).fill(0);
  let seq = 0;
  let rows = [];
  while (seq < entries) {
    const steps = scenario(random);
    const subject = `u${Math.floor(random() * 20_000)}`;
    const n = Math.floor(random() * 8000);
    const ip = `10.0.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    const flowId = steps[0][0].startsWith('reset.') ? randomUUID() : null;
    const ua = UAS[Math.floor(random() * UAS.length)];
    const chain = Math.floor(random() * CHAINS);
    for (const [event, outcome, actor, details] of steps) {
      if (seq >= entries) break;
      seq += 1;
      chainSeq[chain] += 1;
      const self = actor === 'self';
      rows.push({
        seq, chain, chain_seq: chainSeq[chain], id: randomUUID(), at: Math.floor(startMs + seq * perEntryMs), tenant_id: tenantId, event, outcome, actor,
        subject_id: outcome === 'decoy' || event === 'reset.rate_limited' ? null : subject, flow_id: event.startsWith('reset.') || event === 'account.unlocked' || event.startsWith('notice.') ? flowId : null,
        ip: self ? ip : null, user_agent: self ? ua : null, correlation_id: self ? randomUUID() : null, details: canonical(details), prev_hash: HASH, hash: HASH,
      });
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield rows;
}

export const AUDIT_COLUMNS = ['seq', 'chain', 'chain_seq', 'id', 'at', 'tenant_id', 'event', 'outcome', 'actor', 'subject_id', 'flow_id', 'ip', 'user_agent', 'correlation_id', 'details', 'prev_hash', 'hash'];

/** Bulk insert into SQLite through one better-sqlite3 connection and one prepared statement per batch transaction. */
export function insertSqlite(sqlite, rows) {
  const insert = sqlite.prepare(`insert into audit_log (${AUDIT_COLUMNS.join(', ')}) values (${AUDIT_COLUMNS.map((c) => `@${c}`).join(', ')})`);
  sqlite.transaction((batch) => {
    for (const row of batch) insert.run(row);
  })(rows);
}

const PG_TYPES = { seq: 'bigint', chain: 'integer', chain_seq: 'bigint', at: 'bigint' };

/** Bulk insert into PostgreSQL: one `insert … select from unnest(arrays)` per batch (one parameter per column). */
export async function insertPostgres(client, rows) {
  const arrays = AUDIT_COLUMNS.map((c) => rows.map((r) => r[c]));
  const casts = AUDIT_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ');
  await client.query(`insert into audit_log (${AUDIT_COLUMNS.join(', ')}) select * from unnest(${casts})`, arrays);
}

/** After a bulk insert: every chain head at its last position, and (PostgreSQL) the global sequence past the last seq, so real appends follow. */
export async function alignHeads(run, postgres) {
  await run(`update audit_head set seq = coalesce((select max(chain_seq) from audit_log where audit_log.chain = audit_head.id), 0)`);
  if (postgres) await run(`select setval('audit_log_global_seq', (select max(seq) from audit_log) + 1, false)`);
}
