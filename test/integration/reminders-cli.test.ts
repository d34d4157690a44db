import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';
import { freePort } from '../helpers/services.js';

/**
 * `unlatch reminders run` (for cron) on a real SQLite file: counts per tenant on stdout, progress on stderr,
 * nothing twice on a second run, exit code 1 when a tenant's directory is unreachable (the others still run),
 * 2 for an unknown tenant.
 */
describe('unlatch reminders run', () => {
  let ws: CliWorkspace;
  let deadPort: number;
  beforeAll(async () => {
    deadPort = await freePort();
    ws = cliWorkspace({
      tenants: [
        { id: 'demo', name: 'Demo Company' },
        {
          id: 'branch', name: 'Branch',
          directories: [{ type: 'ldap', url: `ldap://127.0.0.1:${deadPort}`, insecure: true, bindDn: 'cn=unlatch,dc=example,dc=org', bindPassword: 'x-service-password', baseDn: 'dc=example,dc=org' }],
        },
      ],
      defaultTenant: 'demo',
      enrolment: { reminders: { enabled: true } },
    });
  });
  afterAll(() => ws?.remove());

  it('queues the due reminders once and says what it did', async () => {
    const first = await ws.run(['reminders', 'run', '--tenant', 'demo']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('demo: 4 people; enrolment: 3 sent, 3 without enough methods, 0 overdue, 0 without an address; expiry: off\n');
    expect(first.stderr).toContain('demo: 4 people checked');

    const again = await ws.run(['reminders', 'run', '--tenant', 'demo', '--json']);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout) as { tenants: Array<{ tenantId: string; enrolment: { sent: number; uncovered: number } }> };
    expect(json.tenants[0]).toMatchObject({ tenantId: 'demo', enrolment: { sent: 0, uncovered: 3 } });

    const delivered = await ws.run(['worker', '--once']);
    expect(delivered.stdout).toMatch(/^outbox: 3 messages handled/);
  });

  it('exits 1 naming a tenant whose directory is down, after running the others', async () => {
    const res = await ws.run(['reminders', 'run']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('demo: 4 people; enrolment: 0 sent');
    expect(res.stdout).toContain('branch: failed (directory_unavailable); its reminders wait for the next run');
  });

  it('exits 2 for an unknown tenant', async () => {
    const res = await ws.run(['reminders', 'run', '--tenant', 'nope']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown tenant "nope"');
  });
});
