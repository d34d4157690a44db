import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import { field, formSchema, MAX_IDENTIFIER, MAX_PASSWORD_FIELD, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, errorsT, languageOf, portalT, renderPage, type FieldError, type PortalContext, tenantOf } from '../page.js';
import { describeReasons } from '../../password-reasons.js';
import { seeOther } from './flow-step.js';
import { newPasswordErrors } from './new-password.js';
import { redirectWithErrors, takeFlash } from '../form-flash.js';
import type { DirectoryPasswordRules } from '../../../core/ports/directory.js';
import { directoryRuleLines } from '../../directory-rules.js';
import { pageTenantOf } from '../brand-choice.js';

const PAGE = '/change';

/**
 * `/change`: change a known password. A wrong current password and an unknown account get the
 * same message and status (core answers `invalid_credentials` for both). Every answer to the POST is a redirect
 * (post/redirect/get): Back from the done page never sends the passwords again.
 */
export function registerChange(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/change', async (request, reply) => {
    // After a refusal (post/redirect/get): its messages, and the username and tenant typed — never a password.
    const { errors, kept } = takeFlash(ctx, request, reply, PAGE);
    // The directory's rules up front: of the tenant typed before a refusal, else of the page's (which the form preselects).
    const rules = await ctx.deps.passwordChange.directoryRules(kept.tenant ?? pageTenantOf(ctx, request));
    return show(ctx, request, reply, { identifier: kept.identifier ?? '', tenant: kept.tenant ?? ctx.deps.tenants.defaultTenantId }, errors, rules);
  });

  const schema = formSchema({
    identifier: MAX_SHORT_FIELD,
    tenant: MAX_SHORT_FIELD,
    currentPassword: MAX_PASSWORD_FIELD,
    newPassword: MAX_PASSWORD_FIELD,
    confirmPassword: MAX_PASSWORD_FIELD,
  });
  app.post('/change', { schema }, async (request, reply) => {
    const t = portalT(ctx, request);
    const identifier = field(request, 'identifier').trim();
    const tenant = tenantOf(ctx, request);
    const currentPassword = field(request, 'currentPassword');
    const newPassword = field(request, 'newPassword');
    // Kept across the redirect (bounded: an over-long entry is refused as too long, and shown cut).
    const values = { identifier: identifier.slice(0, MAX_IDENTIFIER + 1), tenant: tenant.slice(0, 64) };

    const errors: FieldError[] = [];
    if (ctx.tenantChoice && !ctx.deps.tenants.get(tenant)) errors.push({ field: 'tenant', message: t('change.tenant.required') });
    if (identifier === '') errors.push({ field: 'identifier', message: t('change.identifier.required') });
    else if (identifier.length > MAX_IDENTIFIER) errors.push({ field: 'identifier', message: t('change.identifier.too_long', { max: MAX_IDENTIFIER }) });
    if (currentPassword === '') errors.push({ field: 'currentPassword', message: t('change.current.required') });
    errors.push(...newPasswordErrors(t, newPassword, field(request, 'confirmPassword'), 'newPassword', 'confirmPassword'));
    if (errors.length > 0) return redirectWithErrors(ctx, reply, PAGE, errors, values);

    try {
      const result = await ctx.deps.passwordChange.change({ tenantId: tenant, identifier, currentPassword, newPassword, client: clientOf(request) });
      // With several tenants the done page's anonymous rating counts for the tenant the person named (nothing about them).
      if (result.ok) return seeOther(reply, ctx.tenantChoice ? `/change/done?${new URLSearchParams({ tenant }).toString()}` : '/change/done');
      const details = describeReasons(ctx.deps.i18n, languageOf(ctx, request), t, result.reasons);
      return redirectWithErrors(ctx, reply, PAGE, [{ field: 'newPassword', message: t('password.rejected'), details }], values);
    } catch (error) {
      if (!isUnlatchError(error) || error.code !== 'invalid_credentials') throw error;
      const message = errorsT(ctx, request)('invalid_credentials');
      return redirectWithErrors(ctx, reply, PAGE, [{ field: 'currentPassword', message }], values);
    }
  });
}

function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  values: { identifier: string; tenant: string },
  errors: FieldError[],
  rules: DirectoryPasswordRules | null,
  status = 200,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'change', {
    title: t('change.title'),
    form: true,
    errors,
    directoryRules: rules ? directoryRuleLines(t, rules) : [],
    ...values,
    tenants: ctx.tenantChoice ? ctx.deps.tenants.list() : [],
    minLength: ctx.deps.config.password.minLength,
  }, status);
}
