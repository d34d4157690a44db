import { METHOD_DESCRIPTORS, METHOD_KINDS } from '../../core/methods/method-kinds.js';
import type { WebAuthnResponseJson } from '../../core/ports/webauthn.js';
import type { ResetProofMethod } from '../../core/reset/reset-flow.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { apiChoices } from './api-words.js';
import { sendResultProblem } from './problems.js';
import { choiceLabelSchema, codeSchema, COMMON_POST_PROBLEMS, expiresAtSchema, flowIdParamsSchema, problemResponses, strictObject } from './schemas.js';
import { authenticationResponseSchema } from './webauthn-schemas.js';
import { answersSchema, choiceQuestionsSchema } from './question-schemas.js';

interface FlowParams {
  flowId: string;
}

interface VerifyBody {
  method?: ResetProofMethod;
  code?: string;
  credential?: WebAuthnResponseJson;
  token?: string;
  answers?: string[];
}

/** The methods proven by something other than a typed `code`, and the field each reads instead (from the method list). */
const NON_CODE_FIELDS: Record<string, string> = Object.fromEntries(METHOD_DESCRIPTORS.filter((d) => d.input !== 'code').map((d) => [d.kind, d.input]));

/** `field` is required with `method`, and forbidden with any other method. */
function onlyWith(method: string, field: string): Record<string, unknown> {
  return { if: { required: ['method'], properties: { method: { const: method } } }, then: { required: [field] }, else: { not: { required: [field] } } };
}

/**
 * `code` for the code methods (the default); `credential` for `webauthn`; `token` for `email_link`. One value
 * per field and no unknown fields: the conditions only decide which field is required and which forbidden.
 */
const verifyBodySchema = {
  ...strictObject(
    {
      method: { type: 'string', minLength: 1, maxLength: 16, enum: [...METHOD_KINDS] },
      code: codeSchema,
      credential: authenticationResponseSchema,
      token: { type: 'string', minLength: 1, maxLength: 128, description: 'email_link: the `token` query parameter of the emailed link.' },
      answers: answersSchema,
    },
    [],
  ),
  allOf: [
    ...Object.entries(NON_CODE_FIELDS).map(([method, field]) => onlyWith(method, field)),
    {
      if: { required: ['method'], properties: { method: { enum: Object.keys(NON_CODE_FIELDS) } } },
      then: { not: { required: ['code'] } },
      else: { required: ['code'] },
    },
  ],
};

const choiceSchema = strictObject(
  { method: { type: 'string' }, label: choiceLabelSchema, methodId: { type: 'string', description: 'sms_code: the phone to text the code to (POST /reset/{flowId}/sms).' }, questions: choiceQuestionsSchema },
  ['method', 'label'],
);

/** `POST /api/v1/reset/{flowId}/verify`: checks the emailed code; a limited number of wrong tries per flow. */
export const resetVerifyRoute: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Params: FlowParams; Body: VerifyBody }>(
    '/v1/reset/:flowId/verify',
    {
      schema: {
        operationId: 'verifyResetCode',
        tags: ['reset'],
        summary: 'Prove who you are: the emailed code, or a code from a registered method',
        description:
          '`method` is `email_code` (the default), `email_link` with `token` (from the emailed link), `totp` (authenticator app), `backup_code`, or `webauthn` with `credential` (the ' +
          'AuthenticationResponseJSON answering POST /reset/{flowId}/passkey/options) instead of `code`, or `sms_code` (second proof only, ' +
          'the code texted by POST /reset/{flowId}/sms), or `questions` with `answers` (second proof only, one answer per question of the offered choice). A wrong code or passkey, or a method the person ' +
          'does not have or the policy does not allow, answers 422 code_invalid with attemptsLeft; the last allowed wrong code ends ' +
          'the flow (410 code_attempts_exceeded). The right authenticator-app (`totp`) code of a 30-second step already used (often the code that ' +
          'just registered the app) answers 422 code_already_used with attemptsLeft unchanged: wait for the app\'s next code. When the policy needs two proofs, the first answers `next: verify_second` with the ' +
          'methods (masked) the second may use. When the risk engine asked for more (step-up), one proof more than the policy is needed, a strong one where the person has one. ' +
          'When it asked for a review, the last proof answers `next: wait_for_review`: an operator approves or rejects the reset in the console; poll GET /reset/{flowId} until it says `set_password` (or `unlock`); a rejected reset answers 410 flow_invalid.',
        params: flowIdParamsSchema,
        body: verifyBodySchema,
        response: {
          200: strictObject(
            { next: { type: 'string', enum: ['set_password', 'unlock', 'verify_second', 'wait_for_review'] }, expiresAt: expiresAtSchema, methods: { type: 'array', items: choiceSchema } },
            ['next', 'expiresAt'],
            'Accepted; choose the new password (or give the second proof) before expiresAt.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 409, 410, 422]),
        },
      },
    },
    async (request, reply) => {
      const { code, method, credential, token, answers } = request.body;
      const result = await deps.resetFlow.verifyCode({ flowId: request.params.flowId, code, credential, token, answers, method, client: clientInfo(request) });
      if (result.ok && result.next === 'verify_second') {
        return { next: result.next, expiresAt: result.expiresAt.toISOString(), methods: apiChoices(deps, request, result.tenantId, result.methods) };
      }
      if (result.ok) return { next: result.next, expiresAt: result.expiresAt.toISOString() };
      if (result.code === 'code_invalid') {
        // Only the right code of the person's own app for a step already used gets its own code (wait for the next
        // one; no attempt spent): a wrong code, another person's code or a decoy's answers code_invalid as always.
        return sendResultProblem(request, reply, translate, result.spentStep ? 'code_already_used' : 'code_invalid', { attemptsLeft: result.attemptsLeft });
      }
      return sendResultProblem(request, reply, translate, result.code);
    },
  );
};
