import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrandCatalogue, BrandFile } from '../brand-catalogue.js';

/** A year: a file's URL carries its content hash, so a changed file is a new URL and the old one may stay cached. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Asked for without the current hash (an old page, a guessed URL): cached briefly, then revalidated by ETag. */
const REVALIDATE = 'public, max-age=300';

/**
 * An SVG opened at its own URL is a document of the portal's origin: it gets no script, no fetch and no plugin,
 * in a sandbox (the file was also refused at start if it held anything that scripts).
 */
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/**
 * The files of each tenant's look (docs/branding.md): `/assets/brand/<tenant>.css`, `/assets/brand/<tenant>/logo`
 * and `/assets/brand/<tenant>/favicon`; and `/favicon.ico`, Unlatch's own icon, so that the browser's automatic
 * request never ends in a 404. None is secret: the pages' no-store does not apply.
 */
export function registerBrandAssets(app: FastifyInstance, brands: BrandCatalogue, defaultFavicon: BrandFile): void {
  registerFavicon(app, defaultFavicon);

  app.get<{ Params: { file: string } }>('/assets/brand/:file', async (request, reply) => {
    const id = /^([a-z0-9][a-z0-9-]{0,62})\.css$/.exec(request.params.file)?.[1];
    const brand = id === undefined ? null : brands.get(id);
    if (!brand) return notFound(reply);
    return serve(request, reply, brand.css);
  });

  app.get<{ Params: { tenant: string; kind: string } }>('/assets/brand/:tenant/:kind', async (request, reply) => {
    const brand = brands.get(request.params.tenant);
    const kind = request.params.kind;
    const file = brand === null ? null : kind === 'logo' ? brand.logo : kind === 'favicon' ? brand.favicon : null;
    if (!file) return notFound(reply);
    return serve(request, reply, file);
  });
}

/**
 * `/favicon.ico`: the icon a browser asks for by itself on any page without a `<link rel="icon">` (the console's
 * pages have none). Also on the console's own listener (`admin.listen`), where no portal route runs.
 */
export function registerFavicon(app: FastifyInstance, file: BrandFile): void {
  app.get('/favicon.ico', async (request, reply) => serve(request, reply, file));
}

function serve(request: FastifyRequest, reply: FastifyReply, file: BrandFile): FastifyReply {
  const version = (request.query as Record<string, unknown> | undefined)?.v;
  const etag = `"${file.hash}"`;
  reply.header('cache-control', version === file.hash ? IMMUTABLE : REVALIDATE).header('etag', etag);
  if (file.type === 'image/svg+xml') reply.header('content-security-policy', SVG_CSP);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

/** A plain 404: an image or stylesheet request gets no HTML page. */
function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
}
