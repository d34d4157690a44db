import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSinkConfig } from '../../src/config/audit-sinks-schema.js';
import { WebhookSink } from '../../src/adapters/audit/webhook-sink.js';
import { makeLoopbackCertificates } from '../helpers/rsyslog.js';

const ENTRY = { seq: 41, id: 'e1', at: Date.UTC(2026, 11, 7, 11, 0, 0), tenantId: 'acme', event: 'reset.completed', outcome: 'success', actor: 'user:1', chain: 2, chainSeq: 9, hash: 'ab'.repeat(32) };

describe('audit sink: webhook presets against a local HTTPS receiver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-presets-'));
  const bodies: unknown[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    await makeLoopbackCertificates(dir);
    server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(body) as unknown });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const sinkOf = (format: WebhookSinkConfig['format'], caFile?: string): WebhookSink =>
    new WebhookSink({ type: 'webhook', name: 'p', url, format, keys: [{ id: 'k1', secret: 'x'.repeat(32) }], headers: {}, timeoutMs: 2000, ...(caFile ? { caFile } : {}) });

  it('sends the Splunk HEC shape: time in epoch seconds, a sourcetype, the CloudEvent as event', async () => {
    const sink = sinkOf('splunk-hec', join(dir, 'ca.pem'));
    await sink.write(ENTRY);
    sink.close();
    expect(bodies.at(-1)).toMatchObject({
      contentType: 'application/json; charset=utf-8',
      body: { time: ENTRY.at / 1000, sourcetype: 'unlatch:audit', event: { specversion: '1.0', id: '41', data: { hash: ENTRY.hash } } },
    });
  });

  it('sends the Elastic shape: the CloudEvent with @timestamp', async () => {
    const sink = sinkOf('elastic', join(dir, 'ca.pem'));
    await sink.write(ENTRY);
    sink.close();
    expect(bodies.at(-1)).toMatchObject({ body: { '@timestamp': '2026-12-07T11:00:00.000Z', id: '41', type: 'io.unlatch.audit.reset.completed' } });
  });

  it('refuses a receiver whose certificate it cannot verify (no CA given)', async () => {
    const count = bodies.length;
    const sink = sinkOf('cloudevents');
    await expect(sink.write(ENTRY)).rejects.toThrow(/certificate/i);
    sink.close();
    expect(bodies.length).toBe(count);
  });
});
