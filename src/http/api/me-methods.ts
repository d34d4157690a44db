import { UnlatchError } from '../../core/errors.js';
import { REGISTRABLE_KINDS } from '../../core/methods/method-kinds.js';
import { decidePolicy } from '../../core/policy/method-policy.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, signedIn } from './me-auth.js';
import { sendResultProblem } from './problems.js';
import { codeSchema, COMMON_POST_PROBLEMS, problemResponses, strictObject } from './schemas.js';

export const methodIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['methodId'],
  properties: { methodId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
};

const summarySchema = strictObject(
  {
    id: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    remaining: { type: 'integer', description: 'Backup codes: how many are left.' },
  },
  ['id', 'kind', 'name', 'createdAt', 'lastUsedAt'],
);

/**
 * `/api/v1/me/methods`: list, begin (an authenticator app, or a new set of backup codes), finish (confirm an
 * authenticator app with its first code), rename, delete. A full session is required (`Authorization: Bearer`).
 */
export const meMethodsRoutes: ApiRoute = (app, { deps, translate }) => {
  app.get(
    '/v1/me/methods',
    {
      schema: {
        operationId: 'listMethods',
        tags: ['me'],
        summary: 'List your registered methods',
        security: BEARER,
        response: {
          200: strictObject(
            {
              methods: { type: 'array', items: summarySchema },
              registrationNeeded: { type: 'boolean', description: 'The policy wants more methods registered before a reset is possible.' },
              reconfirmDue: { type: 'boolean', description: 'The policy asks the person to confirm their methods are still current (POST /me/methods/review).' },
            },
            ['methods', 'registrationNeeded', 'reconfirmDue'],
          ),
          ...problemResponses([400, 401, 500, 503]),
        },
      },
    },
    async (request) => {
      const account = await signedIn(deps, request);
      const methods = await deps.methodRegistration.list(account);
      const status = await deps.methodRegistration.status(account, decidePolicy(deps.policyFor(account.tenantId), account));
      return {
        methods: methods.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), lastUsedAt: m.lastUsedAt?.toISOString() ?? null })),
        registrationNeeded: status.registrationNeeded,
        reconfirmDue: status.reconfirmDue,
      };
    },
  );

  app.post(
    '/v1/me/methods/review',
    {
      schema: {
        operationId: 'reviewMethods',
        tags: ['me'],
        summary: 'Confirm your methods are still current',
        security: BEARER,
        response: { 204: { type: 'null', description: 'Recorded.' }, ...problemResponses([400, 401, 500, 503]) },
      },
    },
    async (request, reply) => {
      await deps.methodRegistration.review({ account: await signedIn(deps, request), client: clientInfo(request) });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { kind: 'totp' | 'backup_code' | 'sms_code' | 'email_code'; name?: string; phone?: string; email?: string } }>(
    '/v1/me/methods',
    {
      schema: {
        operationId: 'beginMethod',
        tags: ['me'],
        summary: 'Add a method',
        description:
          '`totp`: returns the seed, its `otpauth://` URI and a QR code (SVG); it counts once `/finish` confirms a first code. `backup_code`: returns 10 new codes, shown this once; the old set stops working. ' +
          '`sms_code` with `phone` (E.164, e.g. `+447700900123`; spaces and dashes are ignored): texts a 6-digit code to the number, valid 10 minutes, 5 tries; the number counts once `/finish` confirms it. A number already registered is refused with 409 method_exists (nothing is texted). ' +
          'Only with SMS providers configured (otherwise 400); the SMS send limits answer 429 rate_limited. ' +
          '`email_code` with `email`: mails a 6-digit code to an extra address (valid 10 minutes, 5 tries); once `/finish` confirms it, reset codes and links go there too. ' +
          'The directory\'s own address or one already added is refused with 409 method_exists (nothing is sent).',
        security: BEARER,
        body: strictObject(
          {
            kind: { type: 'string', minLength: 1, maxLength: 16, enum: [...REGISTRABLE_KINDS] },
            name: { type: 'string', minLength: 1, maxLength: 64 },
            phone: { type: 'string', minLength: 1, maxLength: 64, description: 'With `sms_code`: the number in E.164 form.' },
            email: { type: 'string', minLength: 1, maxLength: 254, description: 'With `email_code`: the address to add.' },
          },
          ['kind'],
        ),
        response: {
          201: strictObject(
            {
              methodId: { type: 'string' },
              secret: { type: 'string', description: 'Base32 seed, for typing into an app.' },
              uri: { type: 'string' },
              qrSvg: { type: 'string' },
              codes: { type: 'array', items: { type: 'string' } },
              phone: { type: 'string', description: 'sms_code: the number, masked (`•••• 0123`).' },
              email: { type: 'string', description: 'email_code: the address, masked (`j•••@example.org`).' },
              expiresAt: { type: 'string', format: 'date-time', description: 'sms_code, email_code: when the code stops working.' },
            },
            [],
            'Begun (totp, sms_code, email_code) or created (backup codes).',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 409]),
        },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const client = clientInfo(request);
      if (request.body.kind === 'backup_code') {
        return reply.code(201).send(await deps.methodRegistration.regenerateBackupCodes({ account, client }));
      }
      if (request.body.kind === 'sms_code') {
        if (!deps.methodRegistration.smsAvailable) throw new UnlatchError('invalid_request', { field: 'kind' });
        if (request.body.phone === undefined) throw new UnlatchError('invalid_request', { field: 'phone' });
        const begun = await deps.methodRegistration.beginPhone({ account, phone: request.body.phone, name: request.body.name ?? '', client });
        return reply.code(201).send({ methodId: begun.methodId, phone: begun.masked, expiresAt: begun.expiresAt.toISOString() });
      }
      if (request.body.phone !== undefined) throw new UnlatchError('invalid_request', { field: 'phone' });
      if (request.body.kind === 'email_code') {
        if (request.body.email === undefined) throw new UnlatchError('invalid_request', { field: 'email' });
        const begun = await deps.emailRegistration.begin({ account, email: request.body.email, client });
        return reply.code(201).send({ methodId: begun.methodId, email: begun.masked, expiresAt: begun.expiresAt.toISOString() });
      }
      if (request.body.email !== undefined) throw new UnlatchError('invalid_request', { field: 'email' });
      return reply.code(201).send(await deps.methodRegistration.beginTotp({ account, name: request.body.name ?? '', client }));
    },
  );

  app.post<{ Params: { methodId: string }; Body: { code: string } }>(
    '/v1/me/methods/:methodId/finish',
    {
      schema: {
        operationId: 'finishMethod',
        tags: ['me'],
        summary: 'Confirm an authenticator app with its first code, or a phone number or email address with the code sent to it',
        description: 'A wrong code answers 422 code_invalid (for a phone number or address with attemptsLeft); the fifth wrong code for a phone number or address removes it (410 code_attempts_exceeded) and a new one must be requested.',
        security: BEARER,
        params: methodIdParams,
        body: strictObject({ code: codeSchema }, ['code']),
        response: { 200: strictObject({ status: { type: 'string', enum: ['added'] } }, ['status']), ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404, 409, 410, 422]) },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const input = { account, methodId: request.params.methodId, code: request.body.code, client: clientInfo(request) };
      const kind = await deps.methodRegistration.pendingKind(account, input.methodId);
      if (kind === 'sms_code' || kind === 'email_code') {
        const confirmed = kind === 'sms_code' ? await deps.methodRegistration.finishPhone(input) : await deps.emailRegistration.finish(input);
        if (confirmed.ok) return { status: 'added' };
        if (confirmed.code === 'code_invalid') return sendResultProblem(request, reply, translate, 'code_invalid', { attemptsLeft: confirmed.attemptsLeft });
        return sendResultProblem(request, reply, translate, 'code_attempts_exceeded');
      }
      const result = await deps.methodRegistration.finishTotp(input);
      return result.ok ? { status: 'added' } : sendResultProblem(request, reply, translate, 'code_invalid');
    },
  );

  app.patch<{ Params: { methodId: string }; Body: { name: string } }>(
    '/v1/me/methods/:methodId',
    {
      schema: {
        operationId: 'renameMethod',
        tags: ['me'],
        summary: 'Rename a method',
        description:
          'Gives one of your methods (authenticator app, passkey, phone number, email address) a new label: trimmed, control characters removed, at most 64 characters. ' +
          'A name that is empty once cleaned, backup codes and security questions are 400 invalid_request; a method that is not yours is 404. Audited (`method.renamed`); no notice is mailed.',
        security: BEARER,
        params: methodIdParams,
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 64, description: 'The new label ("Work phone", "YubiKey").' } }, ['name']),
        response: { 200: { ...summarySchema, description: 'Renamed: the method as listed.' }, ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404]) },
      },
    },
    async (request) => {
      const account = await signedIn(deps, request);
      const m = await deps.methodRegistration.rename({ account, methodId: request.params.methodId, name: request.body.name, client: clientInfo(request) });
      return { ...m, createdAt: m.createdAt.toISOString(), lastUsedAt: m.lastUsedAt?.toISOString() ?? null };
    },
  );

  app.delete<{ Params: { methodId: string } }>(
    '/v1/me/methods/:methodId',
    {
      schema: {
        operationId: 'deleteMethod',
        tags: ['me'],
        summary: 'Remove a method (`backup_codes` removes the whole set)',
        description: 'Refused with 409 method_required when the policy needs the method to be able to reset.',
        security: BEARER,
        params: methodIdParams,
        response: { 204: { type: 'null', description: 'Removed.' }, ...problemResponses([400, 401, 404, 409, 500, 503]) },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const decision = decidePolicy(deps.policyFor(account.tenantId), account);
      const result = await deps.methodRegistration.remove({ account, methodId: request.params.methodId, decision, client: clientInfo(request) });
      if (!result.ok) throw new UnlatchError('method_required');
      return reply.code(204).send();
    },
  );
};
