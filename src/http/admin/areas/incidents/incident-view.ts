import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../../../core/admin/operator.js';
import { UnlatchError } from '../../../../core/errors.js';
import type { IncidentActor } from '../../../../core/incident/incident-person.js';
import type { IncidentService } from '../../../../core/incident/incident-service.js';
import type { IncidentPersonState, IncidentState } from '../../../../core/incident/incident-store.js';
import { clientOf } from '../../../portal/page.js';
import { operatorOf, type AdminContext } from '../../admin-context.js';

/** The incident service, or 404 when the app was built without it. */
export function incidentsOf(ctx: AdminContext): IncidentService {
  if (!ctx.deps.incidents) throw new UnlatchError('not_found');
  return ctx.deps.incidents;
}

/** The signed-in operator as the incident's audit actor. */
export function actorOfRequest(request: FastifyRequest): IncidentActor {
  const operator = operatorOf(request);
  return { actor: actorOf(operator), client: clientOf(request), details: { operatorVia: operator.via } };
}

/** Message keys, written out so the catalogue check sees each one. */
const STATE_KEYS: Record<IncidentState, string> = {
  running: 'incidents.state_running',
  finished: 'incidents.state_finished',
  ended: 'incidents.state_ended',
  dry_run: 'incidents.state_dry_run',
};
const PERSON_KEYS: Record<IncidentPersonState, string> = {
  pending: 'incidents.person_pending',
  done: 'incidents.person_done',
  failed: 'incidents.person_failed',
  skipped: 'incidents.person_skipped',
};
const MODE_KEYS = { lock: 'incidents.mode_lock', strict: 'incidents.mode_strict' } as const;

export function stateKey(state: IncidentState): string {
  return STATE_KEYS[state];
}

/** A person's state; on a dry run's page a pending person is one who "would be reset". */
export function personKey(state: IncidentPersonState, dryRun: boolean): string {
  return dryRun && state === 'pending' ? 'incidents.person_would' : PERSON_KEYS[state];
}

export function modeKey(mode: 'lock' | 'strict'): string {
  return MODE_KEYS[mode];
}

/** The rows a detail page shows; the CSV has them all. */
export const SHOWN_ROWS = 500;
