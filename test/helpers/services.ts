import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';

/** CI sets UNLATCH_REQUIRE_SERVICES=1: a missing service is then a failure, not a skip. */
export const servicesRequired = process.env.UNLATCH_REQUIRE_SERVICES === '1';

/** The PostgreSQL server tests create their throwaway databases on. */
export const PG_ADMIN_URL = process.env.UNLATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgProbe: Promise<boolean> | null = null;

export function postgresAvailable(): Promise<boolean> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

/**
 * Whether a suite that needs `service` should run. Absent service: skip with a reason, or throw under
 * UNLATCH_REQUIRE_SERVICES=1 so CI cannot pass by skipping.
 */
export function shouldRun(service: string, available: boolean): boolean {
  if (available) return true;
  if (servicesRequired) throw new Error(`${service} is required (UNLATCH_REQUIRE_SERVICES=1) but not reachable`);
  console.warn(`skipping: ${service} is not reachable`);
  return false;
}

/** A fresh database on the test server; dropped by the returned function. */
export async function createTempPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `unlatch_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
