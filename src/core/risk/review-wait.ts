import { hashHandle } from '../crypto/secrets.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';

/**
 * Where a person's held reset stands, for the page that waits with them: `waiting` (until `expiresAt`), `approved`
 * (go on to `next`), `rejected` (an operator said no: start again or call the helpdesk), or `gone` (unknown, run
 * out, superseded or finished: the same answer as any dead flow).
 */
export type ReviewWait =
  | { state: 'waiting'; expiresAt: Date; tenantId: string }
  | { state: 'approved'; next: 'set_password' | 'unlock' }
  | { state: 'rejected'; tenantId: string }
  | { state: 'gone' };

/**
 * Reads a flow by its public handle and says where its review stands. Unlike the flow's other steps a rejected
 * flow is told apart from a dead one: only its holder (the handle is a bearer secret) asks, and they were already
 * told that their reset waits for a check.
 */
export async function reviewWait(deps: { store: Pick<Store, 'flows'>; clock: Clock }, flowId: string): Promise<ReviewWait> {
  if (flowId.length === 0 || flowId.length > 128) return { state: 'gone' };
  const flow = await deps.store.flows.findByHandleHash(hashHandle(flowId));
  if (!flow || flow.decoy) return { state: 'gone' };
  if (flow.state === 'rejected') return { state: 'rejected', tenantId: flow.tenantId };
  const live = flow.expiresAt.getTime() > deps.clock.now().getTime();
  if (!live) return { state: 'gone' };
  if (flow.state === 'awaiting_review') return { state: 'waiting', expiresAt: flow.expiresAt, tenantId: flow.tenantId };
  if (flow.state === 'awaiting_password') return { state: 'approved', next: 'set_password' };
  if (flow.state === 'awaiting_unlock') return { state: 'approved', next: 'unlock' };
  return { state: 'gone' };
}
