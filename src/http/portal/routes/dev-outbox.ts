import type { FastifyInstance } from 'fastify';
import type { DevOutboxReader } from '../../http-deps.js';
import { languageOf, portalT, renderPage, type PortalContext } from '../page.js';

/** How many captured messages the pages show. */
const LIMIT = 100;

/**
 * Dev mode only (the routes do not exist in production): the mail that would have been sent, so a
 * developer or an end-to-end test can read the code. Newest first.
 */
export function registerDevOutbox(app: FastifyInstance, ctx: PortalContext, outbox: DevOutboxReader): void {
  app.get('/dev/outbox.json', async (_request, reply) => {
    const mails = await outbox.list(LIMIT);
    const body = newestFirst(mails).map((m) => ({ to: m.to, subject: m.subject, text: m.text, createdAt: m.createdAt.toISOString() }));
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/dev/outbox', async (request, reply) => {
    const t = portalT(ctx, request);
    const lang = languageOf(ctx, request);
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
    const mails = newestFirst(await outbox.list(LIMIT)).map((m) => ({
      to: m.to,
      subject: m.subject,
      text: m.text,
      iso: m.createdAt.toISOString(),
      time: `${format.format(m.createdAt)} UTC`,
    }));
    return renderPage(ctx, request, reply, 'dev-outbox', { title: t('dev_outbox.title'), mails });
  });
}

function newestFirst<T extends { createdAt: Date }>(mails: readonly T[]): T[] {
  return [...mails].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
