import type { FastifyInstance } from 'fastify';
import { normalizeBackupCode, formatBackupCode, DEFAULT_BACKUP_CODE_COUNT } from '../../../core/methods/backup_code/backup-codes.js';
import { field, formSchema } from '../form.js';
import { portalT, type PortalContext } from '../page.js';
import { SIGN_IN_PAGE, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/** A generous bound on the codes one file holds (a set is 10 by default). */
const MAX_CODES = DEFAULT_BACKUP_CODE_COUNT * 3;

/**
 * `POST /security-info/backup-codes/download`: the codes just shown, as a text file to keep. The server keeps only
 * hashes, so the page's form sends the codes back (they are on that page already, over the same connection); the
 * answer is an attachment, never cached (`no-store`, as every portal answer). Only text that has the shape of backup
 * codes is echoed, and only to a signed-in person with the form's CSRF token: the route cannot be made to serve
 * anything else. Unshaped input leads back to the security info page.
 */
export function registerSecurityBackupDownload(app: FastifyInstance, ctx: PortalContext): void {
  app.post('/security-info/backup-codes/download', { schema: formSchema({ codes: 1024 }) }, async (request, reply) => {
    const account = await signedInAccount(ctx, request);
    if (!account) return seeOther(reply, SIGN_IN_PAGE);
    const typed = field(request, 'codes').split(/\s+/).filter((c) => c !== '');
    const codes = typed.map((c) => normalizeBackupCode(c));
    if (codes.length === 0 || codes.length > MAX_CODES || codes.some((c) => c === null)) return seeOther(reply, '/security-info');
    const t = portalT(ctx, request);
    const lines = [
      t('security_backup_codes.file.heading', { name: account.displayName ?? account.username }),
      '',
      ...(codes as string[]).map((c, i) => `${String(i + 1).padStart(2, ' ')}. ${formatBackupCode(c)}`),
      '',
      t('security_backup_codes.note'),
      '',
    ];
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', 'attachment; filename="backup-codes.txt"')
      .header('x-content-type-options', 'nosniff')
      .send(lines.join('\r\n'));
  });
}
