import type { Client } from 'ldapts';
import { missing, ok, skipped, type CheckItem } from './check-item.js';
import { describeConnectFailure, describeEndpoint } from './directory-check.js';
import { close, type ConnectionSettings, type LdapConnector } from './ldap-connection.js';

/** The steps of `unlatch directory check` that differ between OpenLDAP and Active Directory. */
export interface DirectoryCheckSteps {
  /** Words the directory's own refusal of the service bind (result 49), when it says more than "wrong password". */
  bindRefused?: (error: unknown) => string | undefined;
  /** Whether the service account sees people under `baseDn`, its findings added to `items`; false ends the check. */
  people: (client: Client, items: CheckItem[]) => Promise<boolean>;
  /** What Unlatch needs of the test account named with `--user`: found once, readable, writable. */
  testAccount: (client: Client, user: string, items: CheckItem[]) => Promise<void>;
  /** Checks that need no test account (run after the people were found, with or without `--user`). */
  directoryWide?: (client: Client, items: CheckItem[]) => Promise<void>;
}

/**
 * Runs one directory's check steps on one connection bound as the service account: a bind that fails is the
 * only finding, and a connection that breaks halfway ends the report with one line saying so.
 */
export async function checkAsServiceAccount(
  connector: LdapConnector,
  settings: Pick<ConnectionSettings, 'url' | 'startTls' | 'bindDn' | 'connectTimeoutMs' | 'tlsServerName'>,
  user: string | undefined,
  steps: DirectoryCheckSteps,
): Promise<CheckItem[]> {
  const bindLabel = `bind as ${settings.bindDn}`;
  let client: Client;
  try {
    client = await connector.serviceConnection();
  } catch (error) {
    return [missing(bindLabel, `cannot bind: ${describeConnectFailure(error, settings, steps.bindRefused?.(error))}`), skipped('everything else', 'needs a working bind')];
  }
  const items: CheckItem[] = [ok(bindLabel, describeEndpoint(settings.url, settings.startTls))];
  try {
    if (await steps.people(client, items)) {
      if (user === undefined) items.push(skipped('attributes, reset password, unlock', 'name a test account with --user to check them'));
      else await steps.testAccount(client, user, items);
      await steps.directoryWide?.(client, items);
    }
  } catch (error) {
    // A connection that broke halfway (server restarted, timeout): said once, in plain words.
    items.push(missing('connection', describeConnectFailure(error, settings)));
  } finally {
    await close(client);
  }
  return items;
}
