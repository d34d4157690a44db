import type { Kysely } from 'kysely';
import type { AccountRiskHistory, RiskHistory, SuccessRecord } from '../../core/risk/risk-ports.js';
import type { Database } from '../store/schema.js';

/** Known devices kept per account (the most recently used); older ones are forgotten and count as new again. */
export const MAX_KNOWN_DEVICES = 20;

const emptyHours = (): number[] => new Array<number>(24).fill(0);

/**
 * Account histories and known devices in the store (migration 0025), SQLite or PostgreSQL. An unknown account
 * (subject `''`) is looked up like any other and has nothing: the same queries either way.
 */
export class SqlRiskHistory implements RiskHistory {
  constructor(private readonly db: Kysely<Database>) {}

  async account(tenantId: string, subjectId: string): Promise<AccountRiskHistory> {
    const row = await this.db.selectFrom('risk_accounts').selectAll().where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst();
    if (!row) return { last: null, hours: emptyHours() };
    return {
      last: {
        at: new Date(Number(row.last_success_at)),
        lat: row.last_lat === null ? null : Number(row.last_lat),
        lon: row.last_lon === null ? null : Number(row.last_lon),
        country: row.last_country,
      },
      hours: hoursOf(row.hours),
    };
  }

  async devices(tenantId: string, subjectId: string): Promise<string[]> {
    return newestDevices(this.db, tenantId, subjectId);
  }

  async record(success: SuccessRecord): Promise<void> {
    const { tenantId, subjectId, at, place } = success;
    const now = at.getTime();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('risk_accounts').select('hours').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst();
      const hours = row ? hoursOf(row.hours) : emptyHours();
      if (success.hour !== null) hours[success.hour] = (hours[success.hour] ?? 0) + 1;
      // Where the place is unknown (a private address, no database), the time moves on and the place is cleared:
      // travel is never judged against a place from before a gap we cannot see into.
      const values = {
        last_success_at: now,
        last_lat: place?.lat ?? null,
        last_lon: place?.lon ?? null,
        last_country: place?.country ?? null,
        hours: JSON.stringify(hours),
      };
      if (row) await tx.updateTable('risk_accounts').set(values).where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).execute();
      else await tx.insertInto('risk_accounts').values({ tenant_id: tenantId, subject_id: subjectId, ...values }).execute();

      if (!success.deviceHash) return;
      const device = { tenant_id: tenantId, subject_id: subjectId, device_hash: success.deviceHash };
      await tx
        .insertInto('risk_devices')
        .values({ ...device, first_seen: now, last_seen: now })
        .onConflict((oc) => oc.columns(['tenant_id', 'subject_id', 'device_hash']).doUpdateSet({ last_seen: now }))
        .execute();
      const keep = await newestDevices(tx, tenantId, subjectId);
      if (keep.length < MAX_KNOWN_DEVICES) return;
      await tx
        .deleteFrom('risk_devices')
        .where('tenant_id', '=', tenantId)
        .where('subject_id', '=', subjectId)
        .where('device_hash', 'not in', keep)
        .execute();
    });
  }
}

/** The account's most recently used device hashes, newest first, at most {@link MAX_KNOWN_DEVICES}. */
async function newestDevices(db: Kysely<Database>, tenantId: string, subjectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('risk_devices')
    .select('device_hash')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .orderBy('last_seen', 'desc')
    .limit(MAX_KNOWN_DEVICES)
    .execute();
  return rows.map((r) => r.device_hash);
}

function hoursOf(text: string): number[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed) && parsed.length === 24) return parsed.map((n) => (Number.isFinite(Number(n)) ? Number(n) : 0));
  } catch {
    // A damaged row is read as no history: the engine then adds no hour points rather than failing the start.
  }
  return emptyHours();
}
