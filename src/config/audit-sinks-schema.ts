import { z } from 'zod';

/** A sink's name: a metric label and a key of delivery rows, so short and fixed. */
const sinkName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, "-" and "_" (up to 40)');

/** Appends one JSON object per line to a file a SIEM agent tails (the former `audit.exportFile`). */
const jsonlSink = z
  .object({
    type: z.literal('jsonl'),
    name: sinkName,
    path: z.string().min(1),
  })
  .strict();

/** RFC 5424 messages with structured data, over TLS (RFC 5425 octet counting) or UDP (RFC 5426). */
const syslogSink = z
  .object({
    type: z.literal('syslog'),
    name: sinkName,
    transport: z.enum(['tls', 'udp']).default('tls'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    /** PEM file of the CA that signed the collector's certificate (default: the system's CAs). */
    caFile: z.string().min(1).optional(),
    /** Name checked against the collector's certificate (default: `host`). */
    serverName: z.string().min(1).optional(),
    /** RFC 5424 facility number; 10 = security/authorization (authpriv). */
    facility: z.number().int().min(0).max(23).default(10),
    appName: z.string().regex(/^[!-~]{1,48}$/).default('unlatch'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict();

/** One HMAC key of a webhook; the last listed signs, receivers accept all of them while keys rotate. */
const webhookKey = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), secret: z.string().min(32, 'at least 32 characters') }).strict();

/** HTTPS POST of CloudEvents 1.0 (structured JSON), signed with `X-Unlatch-Signature`. */
const webhookSink = z
  .object({
    type: z.literal('webhook'),
    name: sinkName,
    url: z.url({ protocol: /^https$/, error: 'an https:// URL' }),
    /** Signing keys, oldest first; the last one signs. */
    keys: z.array(webhookKey).min(1).max(5),
    /** PEM file of the CA that signed the receiver's certificate (default: the system's CAs). */
    caFile: z.string().min(1).optional(),
    /** Extra request headers, e.g. `Authorization: Splunk <token>` for Splunk HEC. */
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(4096)).default({}),
    /**
     * Body shape: `cloudevents` (one CloudEvent), `splunk-hec` (`{ time, source, sourcetype, event }` with the
     * CloudEvent as `event`), `elastic` (the CloudEvent with `@timestamp`, for a data stream's `_doc` endpoint).
     */
    format: z.enum(['cloudevents', 'splunk-hec', 'elastic']).default('cloudevents'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict();

/** One place audit entries are streamed to. */
export const auditSinkSchema = z.discriminatedUnion('type', [jsonlSink, syslogSink, webhookSink]);

/** Any number of sinks at once; each gets every entry at least once, with the entry's `seq` as its stable id. */
export const auditSinksSchema = z
  .array(auditSinkSchema)
  .max(16)
  .default([])
  .refine((sinks) => new Set(sinks.map((s) => s.name)).size === sinks.length, 'sink names must be unique');

export type AuditSinkConfig = z.infer<typeof auditSinkSchema>;
export type SyslogSinkConfig = z.infer<typeof syslogSink>;
export type WebhookSinkConfig = z.infer<typeof webhookSink>;

/**
 * The sinks in effect: `audit.sinks`, plus the older `audit.exportFile` as a JSON-lines sink named `file`
 * (kept working; `exportFile` beside a sink named `file` is refused: see {@link exportFileClashes}).
 */
export function configuredAuditSinks(audit: { exportFile?: string | undefined; sinks: readonly AuditSinkConfig[] }): AuditSinkConfig[] {
  const legacy: AuditSinkConfig[] = audit.exportFile ? [{ type: 'jsonl', name: 'file', path: audit.exportFile }] : [];
  return [...legacy, ...audit.sinks];
}

/** True when `audit.exportFile` is set and a listed sink also takes its name `file`. */
export function exportFileClashes(audit: { exportFile?: string | undefined; sinks: readonly AuditSinkConfig[] }): boolean {
  return audit.exportFile !== undefined && audit.sinks.some((sink) => sink.name === 'file');
}
