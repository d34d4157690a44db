import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError, type ErrorCode } from '../../core/errors.js';
import { describeRejection, type PasswordRejection } from '../../core/password/password-policy.js';
import { problemOf, type ErrorTranslator } from '../problem.js';

export { errorTranslator as apiTranslator } from '../problem.js';

/**
 * Answers an expected failure (a typed result from core, not a throw) as problem JSON with its
 * extensions. The status comes from the one registry in `src/core/errors.ts`.
 */
export function sendResultProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  translate: ErrorTranslator,
  code: ErrorCode,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  const problem = { ...problemOf(new UnlatchError(code), request, translate), ...extensions };
  return reply.code(problem.status).type('application/problem+json').header('cache-control', 'no-store').send(problem);
}

/** Rejection reasons as the API shows them: the stable code and a sentence saying what to change. */
export function reasonsOf(reasons: readonly PasswordRejection[]): { code: string; message: string }[] {
  return reasons.map((reason) => ({ code: reason.code, message: describeRejection(reason) }));
}
