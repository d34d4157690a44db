import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import type { AttackModeControl } from '../../core/risk/attack-mode-state.js';
import { forceAttackMode, nextAttackMode, QUIET, surgeRate, type AttackModeOverride, type AttackModeRecord, type AttackModeRules } from '../../core/risk/attack-mode-rules.js';
import type { ProofOfWorkTables } from './altcha-tables.js';

export interface AttackModeMonitorSettings extends AttackModeRules {
  windowSeconds: number;
  baselineHours: number;
}

/** Who forced attack mode, as the audit entry names them (`operatorEntry` fields without the event). */
export type ForceEntry = Parameters<AttackModeControl['force']>[2];

type Row = ProofOfWorkTables['attack_mode_state'];

/**
 * Attack mode across nodes. Each node counts its starts in memory (`countStart`, no I/O per start) and, every
 * `checkEverySeconds`, adds them to the per-minute counts in the store, then evaluates each tenant from the shared
 * counts. A change is written with a version check in the same transaction as its audit entry, so when several
 * nodes see the same surge exactly one enters (or leaves) attack mode and audits it. `isActive` reads the copy the
 * last check left: a node follows the others within one check.
 */
export class AttackModeMonitor implements AttackModeControl {
  private readonly db: Kysely<ProofOfWorkTables>;
  private readonly pending = new Map<string, number>();
  private readonly active = new Map<string, boolean>();
  private readonly gauge: Gauge<'tenant'>;
  private readonly transitions: Counter<'tenant' | 'transition'>;

  constructor(
    private readonly deps: { db: Kysely<Database>; store: Store; clock: Clock; tenants: () => readonly string[]; settings: AttackModeMonitorSettings; registry: Registry },
  ) {
    this.db = deps.db.withTables<ProofOfWorkTables>() as unknown as Kysely<ProofOfWorkTables>;
    this.gauge = new Gauge({ name: 'unlatch_attack_mode', help: 'Whether the tenant is in attack mode (1: every start needs a proof of work), by tenant.', labelNames: ['tenant'], registers: [deps.registry] });
    this.transitions = new Counter({
      name: 'unlatch_attack_mode_transitions_total',
      help: 'Attack mode entered or left by tenant and transition (entered, left: by the start rate; forced_on, forced_off, auto: by an operator).',
      labelNames: ['tenant', 'transition'],
      registers: [deps.registry],
    });
    for (const tenant of deps.tenants()) this.gauge.set({ tenant }, 0);
  }

  /** One start for the tenant (the proof-of-work gate calls it for every start it sees). */
  countStart(tenantId: string): void {
    this.pending.set(tenantId, (this.pending.get(tenantId) ?? 0) + 1);
  }

  async isActive(tenantId: string): Promise<boolean> {
    return this.active.get(tenantId) ?? false;
  }

  /** The stored state of a tenant (the console shows it), with the rates of the last window. */
  async status(tenantId: string): Promise<{ record: AttackModeRecord; windowRate: number; baselineRate: number; surgeRate: number }> {
    const record = await this.read(this.db, tenantId);
    const rates = await this.rates(tenantId);
    return { record, ...rates, surgeRate: surgeRate(this.deps.settings, rates.baselineRate) };
  }

  /** Adds this node's counts to the store, evaluates every tenant, refreshes the local copy. Returns the changes made here. */
  async runDue(): Promise<number> {
    await this.flush();
    let changes = 0;
    for (const tenantId of this.deps.tenants()) changes += await this.evaluate(tenantId);
    await this.sweep();
    return changes;
  }

  /** An operator's order: on, off, or back to the rules; audited with `entry` in the same transaction. */
  async force(tenantId: string, override: AttackModeOverride, entry: ForceEntry): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const trx = (tx.native as Transaction<unknown>).withTables<ProofOfWorkTables>() as unknown as Kysely<ProofOfWorkTables>;
      const before = await this.read(trx, tenantId);
      const after = forceAttackMode(before, override, now);
      await this.write(trx, tenantId, after, now, entry({}).actor);
      await tx.audit.append(entry({ override, active: after.active, wasActive: before.active }));
      this.active.set(tenantId, after.active);
    });
    this.gauge.set({ tenant: tenantId }, this.active.get(tenantId) ? 1 : 0);
    this.transitions.inc({ tenant: tenantId, transition: override === 'auto' ? 'auto' : `forced_${override}` });
  }

  private async evaluate(tenantId: string): Promise<number> {
    const now = this.deps.clock.now();
    const rates = await this.rates(tenantId);
    const changed = await this.deps.store.transaction(async (tx) => {
      const trx = (tx.native as Transaction<unknown>).withTables<ProofOfWorkTables>() as unknown as Kysely<ProofOfWorkTables>;
      const row = await trx.selectFrom('attack_mode_state').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
      const before = row ? recordOf(row) : QUIET;
      const next = nextAttackMode(before, rates, this.deps.settings, now);
      this.active.set(tenantId, next.record.active);
      if (sameRecord(before, next.record)) return null;
      // The version check makes one node's write win; the others' transactions change nothing and audit nothing.
      if (!(await this.write(trx, tenantId, next.record, now, row?.changed_by ?? null, row?.version))) return null;
      if (next.change) {
        const figures = { windowRate: round(rates.windowRate), baselineRate: round(rates.baselineRate), surgeRate: round(surgeRate(this.deps.settings, rates.baselineRate)), windowSeconds: this.deps.settings.windowSeconds };
        await tx.audit.append({ event: `risk.attack_mode_${next.change}`, outcome: 'success', tenantId, actor: 'system', details: figures });
      }
      return next.change;
    });
    this.gauge.set({ tenant: tenantId }, this.active.get(tenantId) ? 1 : 0);
    if (changed) this.transitions.inc({ tenant: tenantId, transition: changed });
    return changed ? 1 : 0;
  }

  private async rates(tenantId: string): Promise<{ windowRate: number; baselineRate: number }> {
    const minute = Math.floor(this.deps.clock.now().getTime() / 60_000);
    const windowMinutes = this.deps.settings.windowSeconds / 60;
    const baselineMinutes = this.deps.settings.baselineHours * 60;
    const sumSince = async (from: number, to: number) => {
      const row = await this.db.selectFrom('attack_mode_counts').select((eb) => eb.fn.sum<string | number | null>('starts').as('total'))
        .where('tenant_id', '=', tenantId).where('minute', '>', from).where('minute', '<=', to).executeTakeFirst();
      return Number(row?.total ?? 0);
    };
    const windowStarts = await sumSince(minute - windowMinutes, minute);
    const baselineStarts = await sumSince(minute - windowMinutes - baselineMinutes, minute - windowMinutes);
    return { windowRate: windowStarts / windowMinutes, baselineRate: baselineStarts / baselineMinutes };
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const minute = Math.floor(this.deps.clock.now().getTime() / 60_000);
    const counts = [...this.pending];
    this.pending.clear();
    for (const [tenantId, starts] of counts) {
      await this.db.insertInto('attack_mode_counts').values({ tenant_id: tenantId, minute, starts })
        .onConflict((oc) => oc.columns(['tenant_id', 'minute']).doUpdateSet({ starts: sql<number>`attack_mode_counts.starts + excluded.starts` }))
        .execute();
    }
  }

  private async sweep(): Promise<void> {
    const minute = Math.floor(this.deps.clock.now().getTime() / 60_000);
    const keep = this.deps.settings.windowSeconds / 60 + this.deps.settings.baselineHours * 60 + 1;
    await this.db.deleteFrom('attack_mode_counts').where('minute', '<', minute - keep).execute();
  }

  private async read(db: Kysely<ProofOfWorkTables>, tenantId: string): Promise<AttackModeRecord> {
    const row = await db.selectFrom('attack_mode_state').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? recordOf(row) : QUIET;
  }

  /** Inserts or updates the tenant's row; with `version`, only if no other node wrote since. */
  private async write(db: Kysely<ProofOfWorkTables>, tenantId: string, record: AttackModeRecord, now: Date, changedBy: string | null, version?: number): Promise<boolean> {
    const values = {
      active: record.active ? 1 : 0, override: record.override, entered_at: record.enteredAt?.getTime() ?? null,
      calm_since: record.calmSince?.getTime() ?? null, changed_by: changedBy, updated_at: now.getTime(),
    };
    if (version === undefined) {
      const existing = await db.selectFrom('attack_mode_state').select('version').where('tenant_id', '=', tenantId).executeTakeFirst();
      if (!existing) {
        const inserted = await db.insertInto('attack_mode_state').values({ tenant_id: tenantId, ...values, version: 1 }).onConflict((oc) => oc.column('tenant_id').doNothing()).executeTakeFirst();
        return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      }
      version = Number(existing.version);
    }
    const updated = await db.updateTable('attack_mode_state').set({ ...values, version: version + 1 }).where('tenant_id', '=', tenantId).where('version', '=', version).executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}

function recordOf(row: Row): AttackModeRecord {
  const override = row.override === 'on' || row.override === 'off' ? row.override : 'auto';
  return {
    active: Number(row.active) === 1, override,
    enteredAt: row.entered_at === null ? null : new Date(Number(row.entered_at)),
    calmSince: row.calm_since === null ? null : new Date(Number(row.calm_since)),
  };
}

function sameRecord(a: AttackModeRecord, b: AttackModeRecord): boolean {
  return a.active === b.active && a.override === b.override && a.enteredAt?.getTime() === b.enteredAt?.getTime() && a.calmSince?.getTime() === b.calmSince?.getTime();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
