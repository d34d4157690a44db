import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';

const ROWS = Number(process.env.UNLATCH_CONTACT_IMPORT_ROWS ?? 10_000);

/** A large HR file goes through: streamed, checked, written in one transaction, with progress on stderr. */
describe('unlatch methods import at scale (SQLite)', () => {
  let ws: CliWorkspace;
  let db: DatabaseHandle;

  beforeAll(async () => {
    ws = cliWorkspace({ tenants: [{ id: 'demo', name: 'Demo Company' }] });
    const people = ['username,email', ...Array.from({ length: ROWS }, (_, i) => `person${i},person${i}@corp.example`)].join('\n');
    writeFileSync(join(ws.dir, 'people.csv'), people);
    expect(await ws.run(['users', 'import', join(ws.dir, 'people.csv')])).toMatchObject({ code: 0 });
    db = openDatabase(`sqlite:${join(ws.dir, 'data', 'unlatch.db')}`);
  }, 300_000);

  afterAll(async () => {
    await db?.close();
    ws?.remove();
  });

  it(`imports ${ROWS} rows`, async () => {
    const lines = ['username,personal_email,mobile', ...Array.from({ length: ROWS }, (_, i) => `person${i},home${i}@example.net,+4179${String(i).padStart(7, '0')}`)];
    writeFileSync(join(ws.dir, 'contacts.csv'), lines.join('\n'));
    const started = Date.now();
    const result = await ws.run(['methods', 'import', join(ws.dir, 'contacts.csv')]);
    console.log(`import of ${ROWS} rows: ${Date.now() - started} ms, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
    expect(result.stderr).toContain(`checked ${ROWS - (ROWS % 10_000)} rows…`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`added ${ROWS} addresses and ${ROWS} phone numbers for ${ROWS} people`));
    const count = await db.db.selectFrom('methods').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2 * ROWS);
  }, 600_000);
});
