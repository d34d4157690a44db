import type { FastifyReply } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import type { FlowView } from '../../../core/reset/reset-flow.js';
import type { PortalContext } from '../page.js';

/** The page of each step the flow can be at. */
export const STEP_PAGE: Record<FlowView['next'], string> = {
  verify_code: '/reset/code',
  verify_second: '/reset/second',
  wait_for_review: '/reset/review',
  set_password: '/reset/password',
  unlock: '/reset/unlock',
};

export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).send();
}

/**
 * Runs a step; when the flow is at another step (a second tab, the back button, a double submit)
 * the person is sent to the page of the step it is at instead of an error.
 */
export async function atStep(
  ctx: PortalContext,
  flowId: string,
  reply: FastifyReply,
  step: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await step();
  } catch (error) {
    if (!isUnlatchError(error) || error.code !== 'flow_wrong_step') throw error;
    const view = await ctx.deps.resetFlow.view(flowId);
    return seeOther(reply, STEP_PAGE[view.next]);
  }
}

/** What a step's page needs of the flow's view: when it ends, for whom (the tenant's time zone), to what end, and the methods offered. */
export type FlowAt = Pick<FlowView, 'expiresAt' | 'tenantId' | 'purpose' | 'methods'>;
