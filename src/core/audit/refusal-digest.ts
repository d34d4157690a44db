import type { AuditEntryInput } from '../ports/audit.js';

/** How long one key's repeated refusals are folded into one entry, and how many keys are followed at once. */
export interface RefusalDigestSettings {
  windowMs: number;
  /** More keys than this at once (a flood from very many addresses): every open window is closed and written. */
  maxKeys: number;
}

interface OpenWindow {
  entry: AuditEntryInput;
  since: number;
  repeated: number;
}

/**
 * Rate-limit refusals, audited without letting a flood write one hash-chained entry per request: the first
 * refusal of a key (tenant, bucket, address, flow) in a window is written at once, the rest of that window are
 * counted and written as ONE more entry, `repeated: n`, when the window closes — at that key's next refusal
 * after it, at the periodic {@link drain}, or at shutdown (`drain(Infinity)`). Every refusal is accounted for;
 * a refused request costs a map lookup instead of a transaction. Pure: the caller writes what it is given.
 */
export class RefusalDigest {
  private readonly open = new Map<string, OpenWindow>();

  constructor(private readonly settings: RefusalDigestSettings) {}

  /** The entries to write for this refusal now (none while its key's window is open). */
  admit(key: string, entry: AuditEntryInput, nowMs: number): AuditEntryInput[] {
    const current = this.open.get(key);
    if (current && nowMs - current.since < this.settings.windowMs) {
      current.repeated += 1;
      return [];
    }
    const out: AuditEntryInput[] = [];
    if (current) {
      this.open.delete(key);
      if (current.repeated > 0) out.push(this.summary(current));
    }
    // A bounded memory: with too many keys open, everything open is written now and followed afresh.
    if (this.open.size >= this.settings.maxKeys) out.push(...this.drain(Number.POSITIVE_INFINITY));
    this.open.set(key, { entry, since: nowMs, repeated: 0 });
    out.push(entry);
    return out;
  }

  /** The summaries of the windows closed by `nowMs` (all of them with `Infinity`), which stop being followed. */
  drain(nowMs: number): AuditEntryInput[] {
    const out: AuditEntryInput[] = [];
    for (const [key, window] of this.open) {
      if (nowMs - window.since < this.settings.windowMs) continue;
      this.open.delete(key);
      if (window.repeated > 0) out.push(this.summary(window));
    }
    return out;
  }

  /** How many keys have an open window (for tests and the shutdown log). */
  get size(): number {
    return this.open.size;
  }

  private summary(window: OpenWindow): AuditEntryInput {
    const windowSeconds = Math.round(this.settings.windowMs / 1000);
    return { ...window.entry, details: { ...window.entry.details, repeated: window.repeated, windowSeconds } };
  }
}

/** The key refusals are folded by: one per tenant, bucket, address and flow. */
export function refusalKey(entry: AuditEntryInput): string {
  const bucket = typeof entry.details?.bucket === 'string' ? entry.details.bucket : '';
  return `${entry.tenantId}\u0000${bucket}\u0000${entry.ip ?? ''}\u0000${entry.flowId ?? ''}\u0000${entry.event}`;
}
