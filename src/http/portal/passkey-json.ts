import type { FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { isUnlatchError } from '../../core/errors.js';
import { classifyError, retryAfterOf } from '../problem.js';
import { errorsT, type PortalContext } from './page.js';

/**
 * The portal's JSON endpoints for passkeys, called by `/assets/passkeys.js` with the page's CSRF token in
 * the `csrf-token` header (checked in the portal's preHandler like every POST) and the page's cookies.
 * They answer `{ next }` (where the browser goes now) or `{ error }` (a message to show), never HTML.
 */
export function jsonSchema(properties: Record<string, unknown>, required: string[] = []): FastifySchema {
  return { body: { type: 'object', additionalProperties: false, properties, required } };
}

/** The person's label for a passkey, as the API bounds it (an empty name becomes "Passkey"). */
export const NAME_PROPERTY = { type: 'string', maxLength: 64 };

export function jsonNext(reply: FastifyReply, next: string): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send({ next });
}

export function jsonError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error });
}

/**
 * Runs a JSON endpoint; core's refusals (rate limits, …) become `{ error }` with their status, or
 * `{ next }` for the codes in `pages` (a page that explains better, e.g. the flow's current step).
 */
export async function jsonEndpoint(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<FastifyReply>,
  pages: Record<string, string> = {},
): Promise<FastifyReply> {
  try {
    return await run();
  } catch (error) {
    if (!isUnlatchError(error)) throw error;
    const { code, status, details } = classifyError(error);
    const page = pages[code];
    if (page) return jsonNext(reply, page);
    const retryAfter = retryAfterOf(status, details);
    if (retryAfter !== null) reply.header('retry-after', String(retryAfter));
    return jsonError(reply, status, errorsT(ctx, request)(code));
  }
}
