import type { FastifyInstance } from 'fastify';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { systemSource, systemView } from './system-view.js';

const secured = { tags: ['admin'], security: [{ bearer: [] }] };
const nullableString = { type: ['string', 'null'] } as const;
const directory = {
  type: 'object',
  properties: {
    name: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' },
    items: { type: 'array', items: { type: 'object', properties: { status: { type: 'string', enum: ['ok', 'missing', 'unknown', 'skipped'] }, label: { type: 'string' }, detail: { type: 'string' } } } },
  },
} as const;
const view = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    directories: { type: 'array', items: directory },
    channels: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: { type: 'string' }, pending: { type: 'integer' }, dead: { type: 'integer' }, lastSentAt: nullableString,
          lastError: { type: ['object', 'null'], properties: { message: { type: 'string' }, queuedAt: { type: 'string' } } },
        },
      },
    },
    hooks: {
      type: 'array',
      description: 'Post-reset hooks that hear this tenant\'s events, with their deliveries (docs/hooks.md)',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' }, preset: { type: 'string' }, events: { type: 'array', items: { type: 'string' } },
          pending: { type: 'integer' }, retrying: { type: 'integer' }, dead: { type: 'integer' }, lastSuccessAt: nullableString,
          lastError: { type: ['object', 'null'], properties: { message: { type: 'string' }, queuedAt: { type: 'string' } } },
        },
      },
    },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, newest: { type: 'boolean' }, inRing: { type: 'boolean' }, total: { type: 'integer' },
          holds: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, count: { type: 'integer' }, resealable: { type: 'boolean' }, text: { type: 'string' } } } },
        },
      },
    },
    config: { type: 'object', additionalProperties: true, description: 'The effective configuration; every secret is "[redacted]"' },
  },
} as const;

/** `GET /api/v1/admin/tenants/:tenant/system` and `POST …/system/directory-check`: the System page as JSON. */
export function registerSystemApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', {
    schema: { ...secured, summary: 'Directories, message channels, outbox backlog, key ring, version and the redacted configuration', response: { 200: view } },
  }, async (request) => {
    const tenantId = tenantParam(request);
    const result = await systemView(ctx, tenantId);
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, details: { what: 'system' } });
    return result;
  });

  scope.post('/directory-check', {
    schema: {
      ...secured, summary: "Runs `directory check` on each of the tenant's directories now (changes nothing in them)",
      body: { type: ['object', 'null'], additionalProperties: false, properties: { user: { type: 'string', minLength: 1, maxLength: 256 } } },
      response: { 200: { type: 'object', properties: { directories: { type: 'array', items: directory } } } },
    },
  }, async (request) => {
    const tenantId = tenantParam(request);
    const user = (request.body as { user?: string } | null)?.user?.trim() || undefined;
    const directories = await systemSource(ctx).checkDirectories(tenantId, user);
    const failed = directories.filter((d) => d.items?.some((i) => i.status === 'missing')).map((d) => d.name);
    await auditOperator(ctx, request, {
      event: 'admin.action', outcome: failed.length === 0 ? 'success' : 'failure', tenantId,
      details: { action: 'directory_check', testUser: user ?? null, failed },
    });
    return { directories };
  });
}
