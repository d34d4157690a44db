import { newId } from '../crypto/secrets.js';
import { UnlatchError, isUnlatchError } from '../errors.js';
import { incidentEntry, recordFailure, resetPerson, type IncidentActor, type IncidentPersonDeps } from './incident-person.js';
import { resolvePeople, sourceOf, type IncidentSource } from './incident-people.js';
import { progressOf, type IncidentProgress } from './incident-progress.js';
import { INCIDENT_MODES, type IncidentCounts, type IncidentMode, type IncidentPersonRecord, type IncidentRecord } from './incident-store.js';

export interface IncidentServiceDeps extends IncidentPersonDeps {
  /** Rows read and processed per batch (default 100). */
  batchSize?: number;
}

/** Shortest and longest life of an incident's holds or stricter policy. */
export const MIN_EXPIRY_SECONDS = 3600;
export const MAX_EXPIRY_SECONDS = 90 * 86_400;
export const MAX_REASON = 500;

export interface StartIncidentInput {
  tenantId: string;
  source: IncidentSource;
  mode: IncidentMode;
  expiresInSeconds: number;
  reason: string;
  dryRun: boolean;
  /** Start a new incident even when the same one (tenant, source, mode) already finished. */
  again?: boolean;
  by: IncidentActor;
}

/** What `start` did: created a new incident, found the same one still running (resume it), or found it finished. */
export type StartOutcome =
  | { kind: 'created'; incident: IncidentRecord; counts: IncidentCounts }
  | { kind: 'running'; incident: IncidentRecord; counts: IncidentCounts }
  | { kind: 'finished'; incident: IncidentRecord; counts: IncidentCounts };

/** A mode as typed, or null. */
export function modeOf(raw: unknown): IncidentMode | null {
  return typeof raw === 'string' && (INCIDENT_MODES as readonly string[]).includes(raw) ? (raw as IncidentMode) : null;
}

/**
 * Forced resets after an incident (docs/incident-response.md): the one service the CLI and the console use.
 * `start` lists the people (a dry run stops there), `run` works through the pending ones batch by batch and is
 * what a resume calls again, `end` lifts the holds or stricter policy early. Audited as one incident.
 */
export class IncidentService {
  constructor(private readonly deps: IncidentServiceDeps) {}

  async start(input: StartIncidentInput): Promise<StartOutcome> {
    const { deps } = this;
    checkInput(input);
    const source = sourceOf(input.source);
    if (!input.dryRun) {
      const latest = await deps.incidents.latestFor(input.tenantId, source.key, input.mode);
      if (latest?.state === 'running') return { kind: 'running', incident: latest, counts: await deps.incidents.counts(latest.id) };
      if (latest && !input.again) return { kind: 'finished', incident: latest, counts: await deps.incidents.counts(latest.id) };
    }
    const now = deps.clock.now();
    const id = newId();
    const people = await resolvePeople(deps.directory, input.tenantId, id, input.source, now);
    const incident: IncidentRecord = {
      id, tenantId: input.tenantId, mode: input.mode, source: source.label, sourceKey: source.key, reason: input.reason.trim(),
      createdBy: input.by.actor, dryRun: input.dryRun, state: input.dryRun ? 'dry_run' : 'running',
      expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000), createdAt: now, finishedAt: input.dryRun ? now : null,
    };
    return this.create(incident, people, input.by);
  }

  /** Starts, as a real incident, exactly the people a dry run listed (what the operator saw is what runs). */
  async confirm(tenantId: string, dryRunId: string, by: IncidentActor): Promise<StartOutcome> {
    const { deps } = this;
    const preview = await deps.incidents.get(tenantId, dryRunId);
    if (!preview || !preview.dryRun) throw new UnlatchError('not_found');
    const now = deps.clock.now();
    const id = newId();
    const people: IncidentPersonRecord[] = [];
    for (let after = 0; ;) {
      const page = await deps.incidents.people(dryRunId, { afterSeq: after, limit: 1000 });
      if (page.length === 0) break;
      for (const row of page) people.push({ ...row, incidentId: id, updatedAt: now });
      after = page[page.length - 1]!.seq;
    }
    const lifetime = preview.expiresAt.getTime() - preview.createdAt.getTime();
    const incident: IncidentRecord = {
      ...preview, id, createdBy: by.actor, dryRun: false, state: 'running', createdAt: now, finishedAt: null, expiresAt: new Date(now.getTime() + lifetime),
    };
    return this.create(incident, people, by, dryRunId);
  }

  private async create(incident: IncidentRecord, people: IncidentPersonRecord[], by: IncidentActor, fromDryRun?: string): Promise<StartOutcome> {
    const { deps } = this;
    const skipped = people.filter((p) => p.state === 'skipped').length;
    await deps.store.transaction(async (tx) => {
      await deps.incidents.create(tx, incident, people);
      await tx.audit.append(incidentEntry(by, {
        event: incident.dryRun ? 'incident.dry_run' : 'incident.started', outcome: 'success', tenantId: incident.tenantId, subjectId: null,
        details: {
          incident: incident.id, mode: incident.mode, source: incident.source, reason: incident.reason, people: people.length, skipped,
          expiresAt: incident.expiresAt.toISOString(), ...(fromDryRun ? { dryRun: fromDryRun } : {}),
        },
      }));
    });
    return { kind: 'created', incident, counts: await deps.incidents.counts(incident.id) };
  }

  /**
   * Works through the incident's pending people, a batch at a time, each exactly once; calls `progress` after
   * each person. A directory that cannot be reached stops the run (those rows stay pending for a resume); any
   * other failure is that person's row. When nobody is left pending the incident is finished and audited.
   */
  async run(tenantId: string, id: string, by: IncidentActor, progress?: (p: IncidentProgress) => void, shouldStop?: () => boolean): Promise<IncidentProgress> {
    const { deps } = this;
    const incident = await deps.incidents.get(tenantId, id);
    if (!incident) throw new UnlatchError('not_found');
    if (incident.dryRun) throw new UnlatchError('invalid_request', { reason: 'dry_run' }, 'a dry run changes nothing: confirm it to start the incident');
    const started = deps.clock.now();
    const before = await deps.incidents.counts(id);
    let processed = 0;
    const report = async () => progressOf(incident, await deps.incidents.counts(id), { since: started, processed, now: deps.clock.now() });
    if (incident.state === 'running') {
      for (let after = 0; !shouldStop?.();) {
        // Ended by an operator meanwhile: no new holds after that.
        if ((await deps.incidents.get(tenantId, id))?.state !== 'running') break;
        const batch = await deps.incidents.people(id, { afterSeq: after, limit: deps.batchSize ?? 100, state: 'pending' });
        if (batch.length === 0) break;
        for (const row of batch) {
          if (shouldStop?.()) break;
          try {
            await resetPerson(deps, incident, row, by);
          } catch (error) {
            if (isUnlatchError(error) && error.code === 'directory_unavailable' && error.details?.reason !== 'must_change_not_set') throw error;
            await recordFailure(deps, incident, row, by, error);
          }
          processed += 1;
          if (progress) progress(await report());
        }
        after = batch[batch.length - 1]!.seq;
      }
    }
    const counts = await deps.incidents.counts(id);
    if (incident.state === 'running' && counts.pending === 0 && (await deps.incidents.get(tenantId, id))?.state === 'running') {
      const now = deps.clock.now();
      await deps.incidents.setState(id, 'finished', now);
      await deps.store.transaction((tx) => tx.audit.append(incidentEntry(by, {
        event: 'incident.finished', outcome: counts.failed > 0 ? 'failure' : 'success', tenantId, subjectId: null,
        details: { incident: id, done: counts.done, failed: counts.failed, skipped: counts.skipped, doneThisRun: counts.done - before.done },
      })));
      return progressOf({ ...incident, state: 'finished', finishedAt: now }, counts, { since: started, processed, now });
    }
    return report();
  }

  /** Ends the incident's holds and stricter policy now (the people may reset as usual again); audited. */
  async end(tenantId: string, id: string, by: IncidentActor): Promise<{ holds: number; overrides: number }> {
    const { deps } = this;
    const incident = await deps.incidents.get(tenantId, id);
    if (!incident || incident.dryRun) throw new UnlatchError('not_found');
    const ended = await deps.store.transaction(async (tx) => {
      const result = await deps.incidents.endMeasures(tx, id);
      await tx.audit.append(incidentEntry(by, { event: 'incident.ended', outcome: 'success', tenantId, subjectId: null, details: { incident: id, ...result } }));
      return result;
    });
    // A job still going stops at its next batch: run() reads the state before each.
    await deps.incidents.setState(id, 'ended', incident.finishedAt ?? deps.clock.now());
    return ended;
  }

  /** The incident and its progress, or null when the tenant has no such incident. */
  async status(tenantId: string, id: string): Promise<IncidentProgress | null> {
    const incident = await this.deps.incidents.get(tenantId, id);
    if (!incident) return null;
    return progressOf(incident, await this.deps.incidents.counts(id), { now: this.deps.clock.now() });
  }

  /** The tenant's incidents, newest first, each with its progress. */
  async list(tenantId: string, limit = 50): Promise<IncidentProgress[]> {
    const now = this.deps.clock.now();
    const incidents = await this.deps.incidents.list(tenantId, limit);
    return Promise.all(incidents.map(async (i) => progressOf(i, await this.deps.incidents.counts(i.id), { now })));
  }

  /** Every row of the incident, in list order, page by page (for the report). */
  async *rows(id: string): AsyncGenerator<IncidentPersonRecord> {
    for (let after = 0; ;) {
      const page = await this.deps.incidents.people(id, { afterSeq: after, limit: 1000 });
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1]!.seq;
    }
  }
}

function checkInput(input: StartIncidentInput): void {
  if (!modeOf(input.mode)) throw new UnlatchError('invalid_request', { field: 'mode' });
  if (!Number.isInteger(input.expiresInSeconds) || input.expiresInSeconds < MIN_EXPIRY_SECONDS || input.expiresInSeconds > MAX_EXPIRY_SECONDS) {
    throw new UnlatchError('invalid_request', { field: 'expires' }, 'the expiry must be between 1 hour and 90 days');
  }
  if (input.reason.length > MAX_REASON || /[\u0000-\u001f\u007f]/.test(input.reason)) throw new UnlatchError('invalid_request', { field: 'reason' });
}
