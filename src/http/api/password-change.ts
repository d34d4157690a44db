import { UnlatchError } from '../../core/errors.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { apiWords } from './api-words.js';
import { reasonsOf, sendResultProblem } from './problems.js';
import { COMMON_POST_PROBLEMS, identifierSchema, passwordSchema, problemResponses, strictObject, tenantSchema } from './schemas.js';

interface ChangeBody {
  tenant?: string;
  identifier: string;
  currentPassword: string;
  newPassword: string;
}

/** `POST /api/v1/password/change`: the user knows the current password and picks a new one. */
export const passwordChangeRoute: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Body: ChangeBody }>(
    '/v1/password/change',
    {
      schema: {
        operationId: 'changePassword',
        tags: ['password'],
        summary: 'Change a password with the current one',
        description: 'A wrong identifier and a wrong current password get the same answer (401 invalid_credentials).',
        body: strictObject(
          { tenant: tenantSchema, identifier: identifierSchema, currentPassword: passwordSchema, newPassword: passwordSchema },
          ['identifier', 'currentPassword', 'newPassword'],
        ),
        response: {
          200: strictObject({ status: { type: 'string', enum: ['changed'] } }, ['status'], 'Password changed.'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 422]),
        },
      },
    },
    async (request, reply) => {
      const { tenant, identifier, currentPassword, newPassword } = request.body;
      const tenantId = tenant ?? deps.config.defaultTenant;
      if (tenantId === undefined) throw new UnlatchError('invalid_request', { field: 'tenant' });
      const result = await deps.passwordChange.change({ tenantId, identifier, currentPassword, newPassword, client: clientInfo(request) });
      if (result.ok) return { status: 'changed' };
      return sendResultProblem(request, reply, translate, 'password_rejected', { reasons: reasonsOf(result.reasons, apiWords(deps, request, tenantId)) });
    },
  );
};
