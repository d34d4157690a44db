import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryAccount } from '../../../core/ports/directory.js';
import { decidePolicy } from '../../../core/policy/method-policy.js';
import { RENAMABLE } from '../../../core/methods/method-registration.js';
import { field, formSchema } from '../form.js';
import { clientOf, languageOf, portalT, renderPage, type FieldError, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { DEFAULT_TIME_ZONE } from '../../../core/time-zone.js';
import { pageAfterSignIn } from './enroll.js';

/** Schema bound for a method id (ours are short; "backup_codes" stands for the whole set). */
export const MAX_METHOD_ID = 128;

/** Changes the list page confirms after a redirect (`?done=…`); anything else shows nothing. */
const DONE = new Set(['added', 'email_added', 'passkey_added', 'questions_added', 'removed', 'renamed', 'reviewed', 'imported_dismissed']);

/**
 * `/security-info`: the signed-in person's methods, with buttons to add an authenticator app, create
 * new backup codes and remove a method, and links to rename or test one (`security-rename.ts`, `security-test.ts`); and `POST /security-info/remove`, which the policy may refuse
 * (the last method a reset needs stays), explained on this page.
 */
export function registerSecurityInfo(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info', async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    return showSecurityInfo(ctx, request, reply, account, [], 200, typeof done === 'string' && DONE.has(done) ? done : null);
  });

  app.post('/security-info/review', { schema: formSchema({}) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    await ctx.deps.methodRegistration.review({ account, client: clientOf(request) });
    return seeOther(reply, '/security-info?done=reviewed');
  });

  app.post('/security-info/remove', { schema: formSchema({ methodId: MAX_METHOD_ID }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const methodId = field(request, 'methodId');
    const decision = decidePolicy(ctx.deps.policyFor(account.tenantId), account);
    const result = await ctx.deps.methodRegistration.remove({ account, methodId, decision, client: clientOf(request) });
    if (result.ok) return seeOther(reply, '/security-info?done=removed');
    const t = portalT(ctx, request);
    return showSecurityInfo(ctx, request, reply, account, [{ field: `remove-${methodId}`, message: t('security_info.remove.required') }], 409);
  });
}

export async function showSecurityInfo(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  account: DirectoryAccount,
  errors: FieldError[],
  httpStatus = 200,
  done: string | null = null,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  const lang = languageOf(ctx, request);
  const format = dateFormat(lang, ctx.deps.tenants.get(account.tenantId)?.timeZone ?? DEFAULT_TIME_ZONE);
  const methods = (await ctx.deps.methodRegistration.list(account)).map((m) => ({
    id: m.id,
    name: m.name,
    kind: t(`security_info.kind.${m.kind}`),
    added: { iso: m.createdAt.toISOString(), text: format(m.createdAt) },
    lastUsed: m.lastUsedAt ? { iso: m.lastUsedAt.toISOString(), text: format(m.lastUsedAt) } : null,
    remaining: m.remaining ?? null,
    // Added by the organisation (an HR import or the directory), not by the person: said so on the page.
    organisation: m.source !== undefined,
    // Links to `/security-info/rename` and `/security-info/test` for methods that have a name of their own / a test.
    renamable: m.id !== 'backup_codes' && RENAMABLE.has(m.kind),
    testable: m.id !== 'backup_codes' && ctx.deps.methodTest.canTest(m.kind),
    href: encodeURIComponent(m.id),
    error: errors.find((e) => e.field === `remove-${m.id}`) ?? null,
  }));
  const status = await ctx.deps.methodRegistration.status(account, decidePolicy(ctx.deps.policyFor(account.tenantId), account));
  // Imported contact data waiting for the person: each confirmed through the ordinary add-address / add-phone steps.
  const sms = ctx.deps.methodRegistration.smsAvailable;
  const imported = (await ctx.deps.pendingImports?.list(account) ?? []).filter((c) => c.kind === 'email_code' || sms);
  return renderPage(ctx, request, reply, 'security-info', {
    title: t('security_info.title'),
    form: true,
    errors,
    methods,
    hasBackupCodes: methods.some((m) => m.id === 'backup_codes'),
    imported: imported.map((c) => ({ id: c.methodId, email: c.kind === 'email_code', value: c.value, masked: c.masked })),
    sms,
    // Security questions are offered only where the person's policy allows them (off by default).
    questions: ctx.deps.questionRegistration.allowedFor(account),
    name: account.displayName ?? account.username,
    done,
    registrationNeeded: status.registrationNeeded,
    // An /enroll under way: a way back to it (it returns the person to where they came from once done).
    enrolPending: pageAfterSignIn(request) !== '/security-info',
    reconfirmDue: status.reconfirmDue && methods.length > 0,
  }, httpStatus);
}

/** Dates in the tenant's zone (`tenants[].timeZone`, default UTC), with the zone named. */
function dateFormat(lang: string, zone: string): (when: Date) => string {
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  let intl: Intl.DateTimeFormat;
  try {
    intl = new Intl.DateTimeFormat(lang, { ...options, timeZone: zone });
  } catch {
    return (when) => `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
  return (when) => intl.format(when);
}
