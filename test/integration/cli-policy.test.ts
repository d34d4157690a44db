import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';

const POLICY = {
  tenants: {
    demo: {
      excludedGroups: ['admins', 'service-accounts', 'Domain Admins'],
      serviceAccounts: { groups: ['svc'] },
      rules: [
        { groups: ['it-staff'], requiredMethods: 2, requireStrong: true, allowedMethods: ['webauthn', 'totp', 'email_code', 'email_link'] },
        { groups: ['contractors'], ssprEnabled: false },
      ],
    },
  },
};

describe('unlatch policy simulate / policy show', () => {
  let ws: CliWorkspace;
  let db: DatabaseHandle;

  beforeAll(async () => {
    ws = cliWorkspace({ tenants: [{ id: "demo", name: "Demo Company" }, { id: "acme", name: "Acme" }], policy: POLICY as never });
    // Before any migration: simulate only reads, so it says what to do rather than creating tables.
    const early = await ws.run(['policy', 'simulate', '--user', 'dina']);
    expect(early).toMatchObject({ code: 1, stdout: '' });
    expect(early.stderr).toBe('unlatch policy simulate: this database has no tables yet (run: unlatch migrate)\n');

    expect((await ws.run(['migrate'])).code).toBe(0);
    for (const args of [
      ['--username', 'dina', '--email', 'dina@example.com', '--groups', 'staff'],
      ['--username', 'root-anna', '--email', 'anna@example.com', '--groups', 'Domain Admins'],
      ['--username', 'tara', '--email', 'tara@example.com', '--groups', 'it-staff'],
    ]) {
      expect((await ws.run(['users', 'add', ...args])).code).toBe(0);
    }
    db = openDatabase(`sqlite:${join(ws.dir, 'data', 'unlatch.db')}`);
    const tara = (await new SqlUserRepository(db.db).list('demo')).find((u) => u.username === 'tara')!;
    // Listing never unseals, so any key will do for the row's sealed seed.
    const methods = new SqlMethodRepository(db.db, new Sealer(new KeyRing([{ id: 'test', secret: randomBytes(32) }]), 'totp-seal'));
    await methods.add({ tenantId: 'demo', subjectId: tara.id, kind: 'totp', name: 'Pixel', secret: 'JBSWY3DPEHPK3PXP', confirmed: true }, new Date());
  });

  afterAll(async () => {
    await db?.close();
    ws?.remove();
  });

  it('simulates a person looked up for real, in words', async () => {
    const result = await ws.run(['policy', 'simulate', '--tenant', 'demo', '--user', 'Tara']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'tenant demo, reset by user "Tara"',
      'account: tara, groups: it-staff; enabled, not locked',
      'outcome: allowed: a real reset starts',
      '  - decided by the first matching rule: rule 0',
      'rule: rule 0 (groups: it-staff)',
      'proofs needed: 2, one of them strong',
      'first proof that would work: email_code, email_link, totp',
      'after email_code: second proof with totp',
      'after totp: second proof with email_code',
      'can complete: yes',
    ]));
    expect(result.stdout).toMatch(/configuration file is the source of truth/);
  });

  it('says decoy and why, for an excluded person and for nobody, and prints JSON on request', async () => {
    const anna = await ws.run(['policy', 'simulate', '--user', 'root-anna']);
    expect(anna.code).toBe(0);
    expect(anna.stdout).toContain('outcome: decoy');
    expect(anna.stdout).toContain('  - member of an excluded group: Domain Admins\naudit reason: excluded');

    const nobody = await ws.run(['policy', 'simulate', '--user', 'nobody@example.com', '--json']);
    expect(nobody.code).toBe(0);
    expect(JSON.parse(nobody.stdout)).toMatchObject({ tenantId: 'demo', purpose: 'reset', outcome: 'decoy', refusal: 'unknown_account', reasons: ['unknown_person'], account: null });

    const dina = JSON.parse((await ws.run(['policy', 'simulate', '--user', 'dina', '--json'])).stdout) as Record<string, unknown>;
    expect(dina).toMatchObject({ outcome: 'allowed', proofsNeeded: 1, methodsOffered: ['email_code', 'email_link'], account: { username: 'dina' } });
    // What the person holds is named by kind only: never an address, a phone number or a secret.
    expect(JSON.stringify(dina)).not.toContain('dina@example.com');
  });

  it('simulates groups without a database, and an unlock', async () => {
    const groups = await ws.run(['policy', 'simulate', '--groups', 'contractors, sales', '--json']);
    expect(JSON.parse(groups.stdout)).toMatchObject({ outcome: 'decoy', refusal: 'sspr_disabled', reasons: ['sspr_disabled_by_rule:1'] });
    const none = await ws.run(['policy', 'simulate', '--groups', '', '--unlock']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('tenant demo, unlock by a member of no groups\n');
    expect(none.stdout).toContain('outcome: allowed');
  });

  it('shows the effective policy with sources, for the tenant and for groups', async () => {
    const table = await ws.run(['policy', 'show']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe("tenant demo: the tenant's settings (what people no rule matches get)");
    expect(lines).toContainEqual(expect.stringMatching(/^KEY\s+VALUE\s+FROM$/));
    expect(lines).toContainEqual(expect.stringMatching(/^requiredMethods\s+1\s+built-in default$/));
    expect(lines).toContainEqual(expect.stringMatching(/^excludedGroups\s+admins, service-accounts, Domain Admins\s+policy\.tenants\.demo$/));
    expect(lines).toContain('  rule 1 (groups: contractors): ssprEnabled: no');

    const it = await ws.run(['policy', 'show', '--groups', 'IT-Staff']);
    expect(it.stdout.split('\n')).toContainEqual(expect.stringMatching(/^requiredMethods\s+2\s+rule 0 \(groups: it-staff\)$/));

    const acme = JSON.parse((await ws.run(['policy', 'show', '--tenant', 'acme', '--json'])).stdout) as { rules: unknown[]; rows: { key: string; source: string }[] };
    expect(acme.rules).toEqual([]);
    expect(acme.rows.find((r) => r.key === 'excludedGroups')).toMatchObject({ source: 'built-in default' });
  });

  it('refuses bad arguments with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['policy', 'simulate'], /give either --user or --groups/],
      [['policy', 'simulate', '--user', 'dina', '--groups', 'a'], /give either --user or --groups/],
      [['policy', 'simulate', '--user', '  '], /--user must name an account/],
      [['policy', 'simulate', '--user', 'x'.repeat(300)], /not a valid identifier/],
      [['policy', 'simulate', '--tenant', 'nosuch', '--groups', 'a'], /unknown tenant "nosuch"/],
      [['policy', 'show', '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const result = await ws.run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});
