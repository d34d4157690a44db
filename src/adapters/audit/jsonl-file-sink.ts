import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where exported audit entries go (a file a SIEM agent tails, later syslog or a webhook). */
export interface AuditExportSink {
  /** Writes one entry; resolves once it is durable enough to mark as delivered. */
  write(entry: Record<string, unknown>): Promise<void>;
}

/**
 * One JSON object per line, appended. Delivery is at-least-once: after a crash an entry may appear twice,
 * so consumers dedupe on `seq` (each line also carries `hash` and `prevHash` to check the chain).
 */
export class JsonlFileSink implements AuditExportSink {
  private ready: Promise<unknown> | null = null;

  constructor(private readonly path: string) {}

  async write(entry: Record<string, unknown>): Promise<void> {
    this.ready ??= mkdir(dirname(this.path), { recursive: true });
    await this.ready;
    await appendFile(this.path, JSON.stringify(entry) + '\n', { encoding: 'utf8', mode: 0o640 });
  }
}
