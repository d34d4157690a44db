import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError, UnlatchError } from '../../../../core/errors.js';
import { identifiersFromCsv, type IncidentSource } from '../../../../core/incident/incident-people.js';
import { parseExpiry } from '../../../../core/incident/incident-progress.js';
import { reportCsvHeader, reportCsvLine } from '../../../../core/incident/incident-report.js';
import { modeOf } from '../../../../core/incident/incident-service.js';
import type { IncidentPersonRecord } from '../../../../core/incident/incident-store.js';
import { CsvChunkReader } from '../../../../core/enrolment/contact-import-csv.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { actorOfRequest, incidentsOf, modeKey, personKey, SHOWN_ROWS, stateKey } from './incident-view.js';

const str = (max: number) => ({ type: 'string', maxLength: max });
/** The pasted list: about 20,000 addresses; longer lists go through `unlatch incident reset --file`. */
const MAX_PASTED = 1_000_000;
const START_BODY = {
  type: 'object', additionalProperties: false,
  properties: { _csrf: str(512), source: str(8), group: str(256), people: str(MAX_PASTED), mode: str(8), expires: str(16), reason: str(500) },
};
const ID_PARAMS = { type: 'object', properties: { tenant: str(64), id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'] };

type StartForm = { source?: string; group?: string; people?: string; mode?: string; expires?: string; reason?: string };
type FieldError = { field: string; message: string };

/**
 * `GET …/incidents`: the tenant's incidents with their progress, and the form that starts one with a dry run.
 * `POST …/incidents/dry-run` lists who would be affected (nothing changes); `POST …/incidents/:id/confirm`
 * starts exactly those people as a real incident, run in this process by the same service as the CLI;
 * `GET …/incidents/:id` shows its progress (a meta refresh while it runs) and report; `…/report.csv` downloads
 * it (audited); `POST …/incidents/:id/end` ends its holds or stricter policy early.
 */
export function registerIncidentPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => renderHome(ctx, request, reply, {}, []));

  scope.post('/dry-run', { schema: { body: START_BODY } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const form = request.body as StartForm;
    const t = adminT(ctx, request);
    const { input, errors } = startInput(form, t);
    if (!input) return renderHome(ctx, request, reply, form, errors);
    try {
      const outcome = await incidentsOf(ctx).start({ tenantId, ...input, reason: form.reason ?? '', dryRun: true, by: actorOfRequest(request) });
      return reply.redirect(`/admin/t/${tenantId}/incidents/${outcome.incident.id}`, 303);
    } catch (error) {
      if (isUnlatchError(error) && error.code === 'invalid_request') {
        const field = fieldId(String(error.details.field ?? (input.source.kind === 'group' ? 'group' : 'people')));
        return renderHome(ctx, request, reply, form, [{ field, message: t(FIELD_ERRORS[field] ?? 'incidents.err_invalid') }]);
      }
      throw error;
    }
  });

  scope.get('/:id', { schema: { params: ID_PARAMS } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { id } = request.params as { id: string };
    const service = incidentsOf(ctx);
    const status = await service.status(tenantId, id);
    if (!status) throw new UnlatchError('not_found');
    const rows: IncidentPersonRecord[] = [];
    for await (const row of service.rows(id)) {
      if (rows.length >= SHOWN_ROWS) break;
      rows.push(row);
    }
    const t = adminT(ctx, request);
    const i = status.incident;
    const base = `/admin/t/${tenantId}/incidents/${id}`;
    return renderAdmin(ctx, request, reply, 'incident-detail', {
      title: t(i.dryRun ? 'incidents.dry_run_title' : 'incidents.detail_title', { id }), status, rows, base, shown: SHOWN_ROWS,
      refreshSeconds: i.state === 'running' ? 5 : undefined, stateKey, personKey, modeKey, dryRun: i.dryRun,
      canEnd: !i.dryRun && i.state !== 'ended' && i.expiresAt.getTime() > ctx.admin.clock.now().getTime(),
    });
  });

  scope.post('/:id/confirm', { schema: { params: ID_PARAMS, body: { type: 'object', additionalProperties: false, properties: { _csrf: str(512) } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { id } = request.params as { id: string };
    const service = incidentsOf(ctx);
    const by = actorOfRequest(request);
    const outcome = await service.confirm(tenantId, id, by);
    const newId = outcome.incident.id;
    // The job runs in this process, the page shows its progress; should the process stop, a resume finishes it.
    void service.run(tenantId, newId, by).catch((error: unknown) => ctx.deps.logger.error({ err: error, incident: newId }, 'incident run stopped; resume it with unlatch incident reset --resume'));
    return reply.redirect(`/admin/t/${tenantId}/incidents/${newId}`, 303);
  });

  scope.post('/:id/end', { schema: { params: ID_PARAMS, body: { type: 'object', additionalProperties: false, properties: { _csrf: str(512) } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { id } = request.params as { id: string };
    await incidentsOf(ctx).end(tenantId, id, actorOfRequest(request));
    return reply.redirect(`/admin/t/${tenantId}/incidents/${id}`, 303);
  });

  scope.get('/:id/report.csv', { schema: { params: ID_PARAMS } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { id } = request.params as { id: string };
    const service = incidentsOf(ctx);
    if (!(await service.status(tenantId, id))) throw new UnlatchError('not_found');
    await auditOperator(ctx, request, { event: 'admin.exported', outcome: 'success', tenantId, details: { what: 'incident_report', incident: id, format: 'csv' } });
    async function* csv(): AsyncGenerator<string> {
      yield `\uFEFF${reportCsvHeader()}`;
      for await (const row of service.rows(id)) yield reportCsvLine(row);
    }
    return reply.type('text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="unlatch-incident-${id}.csv"`).send(Readable.from(csv()));
  });
}

/** The form's fields as the service takes them, or the field errors. */
function startInput(form: StartForm, t: (key: string, values?: Record<string, unknown>) => string): { input: { source: IncidentSource; mode: 'lock' | 'strict'; expiresInSeconds: number } | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const mode = modeOf(form.mode);
  if (!mode) errors.push({ field: 'mode-lock', message: t('incidents.err_mode') });
  const expires = parseExpiry(form.expires ?? '7d');
  if (expires === null) errors.push({ field: 'expires', message: t('incidents.err_expires') });
  let source: IncidentSource | null = null;
  if (form.source === 'file') {
    try {
      const reader = new CsvChunkReader();
      const identifiers = identifiersFromCsv([...reader.push(form.people ?? ''), ...reader.end()]);
      if (identifiers.length === 0) errors.push({ field: 'people', message: t('incidents.err_people') });
      else source = { kind: 'list', name: 'pasted.csv', identifiers };
    } catch (error) {
      if (!isUnlatchError(error)) throw error;
      errors.push({ field: 'people', message: t('incidents.err_csv', { line: String(error.details.line ?? '') }) });
    }
  } else if (form.source === 'group') {
    if ((form.group ?? '').trim() === '') errors.push({ field: 'group', message: t('incidents.err_group') });
    else source = { kind: 'group', group: form.group!.trim() };
  } else {
    errors.push({ field: 'source-group', message: t('incidents.err_source') });
  }
  return errors.length > 0 || !source || !mode || expires === null ? { input: null, errors } : { input: { source, mode, expiresInSeconds: expires }, errors };
}

/** What a refusal by core says on each field (a group the directory cannot list, an expiry out of range, …). */
const FIELD_ERRORS: Record<string, string> = {
  expires: 'incidents.err_expires',
  reason: 'incidents.err_reason',
  group: 'incidents.err_group_list',
  people: 'incidents.err_people',
};

/** The form's field a core `details.field` names. */
function fieldId(field: string): string {
  return field === 'file' ? 'people' : field === 'mode' ? 'mode-lock' : field;
}

async function renderHome(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, form: StartForm, errors: FieldError[]): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const t = adminT(ctx, request);
  const incidents = await incidentsOf(ctx).list(tenantId);
  return renderAdmin(ctx, request, reply, 'incident-home', {
    title: t('incidents.title'), incidents, form, errors, base: `/admin/t/${tenantId}/incidents`, stateKey, modeKey,
    refreshSeconds: errors.length === 0 && incidents.some((p) => p.incident.state === 'running') ? 10 : undefined,
  }, errors.length > 0 ? 400 : 200);
}
