import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError, type ErrorCode } from '../../core/errors.js';
import type { PasswordRejection } from '../../core/password/password-policy.js';
import { problemOf, type ErrorTranslator } from '../problem.js';
import { directoryReasonText } from '../directory-reasons.js';
import { describeReasons } from '../password-reasons.js';
import type { ApiWords } from './api-words.js';

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

/** One reason as the API shows it; `params` only for a rule the directory stated (see `directoryReasonText`). */
export interface ApiReason {
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

/**
 * Rejection reasons as the API shows them: the stable code and a sentence saying what to change, worded as the
 * portal words them (`describeReasons`), in the request's language (`apiWords`). A rule the directory stated
 * (AD's complexity, its history length…) is worded with the directory's numbers, and comes with its `params`,
 * the sentence among them as `detail`.
 */
export function reasonsOf(reasons: readonly PasswordRejection[], words: ApiWords): ApiReason[] {
  const messages = describeReasons(words.catalogue, words.lang, words.t, reasons);
  return reasons.map((reason, index) => {
    const message = messages[index]!;
    return directoryReasonText(words.t, reason) === undefined ? { code: reason.code, message } : { code: reason.code, message, params: { ...reason.params, detail: message } };
  });
}
