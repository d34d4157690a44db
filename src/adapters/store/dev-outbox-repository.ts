import type { Kysely } from 'kysely';
import { newId } from '../../core/crypto/secrets.js';
import type { Clock } from '../../core/ports/clock.js';
import type { MailMessage, Mailer } from '../../core/ports/mailer.js';
import type { CapturedMail, DevOutboxReader } from '../../core/ports/dev-outbox.js';
import type { Database } from './schema.js';

let sequence = 0;

/** Sortable ids, so the newest message is found even when several share a millisecond. */
function sortableId(now: number): string {
  sequence = (sequence + 1) % 1_000_000_000;
  return `${String(now).padStart(15, '0')}-${String(sequence).padStart(9, '0')}-${newId().slice(0, 8)}`;
}

/** Dev mode's mail transport: messages are kept in a table and shown at /dev/outbox instead of being sent. */
export class DevOutbox implements Mailer, DevOutboxReader {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly tenantOf: (message: MailMessage) => string = () => '',
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.db
      .insertInto('dev_outbox')
      .values({
        id: sortableId(this.clock.now().getTime()),
        tenant_id: this.tenantOf(message),
        to_address: message.to,
        subject: message.subject,
        // The dev outbox has no attachment column: each attachment follows the text, as it would be saved.
        text_body: message.text + (message.attachments ?? []).map((a) => `\n\n--- attachment: ${a.filename} (${a.contentType}) ---\n${a.content}`).join(''),
        html_body: message.html,
        created_at: this.clock.now().getTime(),
      })
      .execute();
  }

  async list(limit: number): Promise<CapturedMail[]> {
    const rows = await this.db.selectFrom('dev_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body, createdAt: new Date(Number(r.created_at)) }));
  }

  async listTo(address: string, limit = 20): Promise<CapturedMail[]> {
    const rows = await this.db
      .selectFrom('dev_outbox')
      .selectAll()
      .where('to_address', '=', address)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body, createdAt: new Date(Number(r.created_at)) }));
  }
}
