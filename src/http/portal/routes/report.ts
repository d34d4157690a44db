import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_FRAUD_TOKEN } from '../../../core/fraud/fraud-settings.js';
import type { FraudServices } from '../../../core/fraud/fraud-services.js';
import { field, formSchema } from '../form.js';
import { clientOf, portalT, renderPage, type PortalContext } from '../page.js';
import { pageBrandOf } from '../brand-choice.js';

/**
 * `/report?token=…`: the "this wasn't me" link in every notice about an account. The GET shows a page with a
 * button and looks nothing up — mail scanners and link previews that open it spend nothing and change nothing,
 * and the page is the same for any token. Only the POST from that page confirms: core pauses self-service for
 * the account, ends its live resets, labels the flow as fraud and alerts the operators. Every POST answers the
 * same page, whether the token was live, spent, expired or never existed (no oracle for tokens or accounts).
 */
export function registerReport(app: FastifyInstance, ctx: PortalContext, fraud: FraudServices): void {
  app.get('/report', async (request, reply) => {
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'report', { title: t('report.title'), form: true, token: tokenInQuery(request) });
  });

  app.post('/report', { schema: formSchema({ token: MAX_FRAUD_TOKEN }) }, async (request, reply) => {
    await fraud.reports.confirm({ token: field(request, 'token'), client: clientOf(request) });
    const t = portalT(ctx, request);
    // The page's tenant (the link names it; the confirm page's cookie keeps it): its helpdesk, listed the way the
    // done pages list it, else the global contact. Never the token's tenant: the answer must not tell a live token.
    const helpdesk = pageBrandOf(ctx, request).support !== null;
    return renderPage(ctx, request, reply, 'report-done', { title: t('report_done.title'), support: helpdesk ? '' : (ctx.deps.config.mail.supportContact ?? '') });
  });
}

function tokenInQuery(request: FastifyRequest): string {
  const value = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof value === 'string' && value.length <= MAX_FRAUD_TOKEN ? value : '';
}
