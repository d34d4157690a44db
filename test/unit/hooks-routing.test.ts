import { describe, expect, it } from 'vitest';
import { hookCloudEvent } from '../../src/core/hooks/hook-cloud-event.js';
import { hookEventOf, hookKey, hookMessagesOf, type HookRoute, type HookSourceEntry } from '../../src/core/hooks/hook-events.js';
import { hookSubjectOf } from '../../src/core/hooks/hook-subject.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';

const entry = (event: string, extra: Partial<HookSourceEntry> = {}): HookSourceEntry => ({
  seq: 42, id: 'entry-42', at: Date.UTC(2026, 0, 2, 3, 4, 5), tenantId: 'demo', event, outcome: 'success', actor: 'self', subjectId: 'u-1', flowId: 'f-1', details: {}, ...extra,
});

const routes: HookRoute[] = [
  { name: 'sso', preset: 'keycloak', events: ['reset.completed'] },
  { name: 'all', preset: 'webhook', events: ['reset.completed', 'password.changed', 'account.unlocked', 'method.added', 'method.removed'] },
  { name: 'acme-only', preset: 'okta', events: ['reset.completed'], tenants: ['acme'] },
];

describe('which audit entries are hook events', () => {
  it('maps the five events, and the helpdesk actions that amount to them', () => {
    for (const event of ['reset.completed', 'password.changed', 'account.unlocked', 'method.added', 'method.removed']) expect(hookEventOf(entry(event))).toBe(event);
    expect(hookEventOf(entry('helpdesk.action', { details: { action: 'one_time_password' } }))).toBe('reset.completed');
    expect(hookEventOf(entry('helpdesk.action', { details: { action: 'unlock' } }))).toBe('account.unlocked');
    expect(hookEventOf(entry('helpdesk.action', { details: { action: 'remove_method' } }))).toBe('method.removed');
  });

  it('ignores failures, decoys, entries without a person, other events, dropped pending imports and the canary', () => {
    expect(hookEventOf(entry('reset.completed', { outcome: 'failure' }))).toBeNull();
    expect(hookEventOf(entry('reset.completed', { outcome: 'decoy' }))).toBeNull();
    expect(hookEventOf(entry('reset.completed', { subjectId: null }))).toBeNull();
    expect(hookEventOf(entry('reset.started'))).toBeNull();
    expect(hookEventOf(entry('hook.delivered'))).toBeNull();
    expect(hookEventOf(entry('helpdesk.action', { details: { action: 'access_pass' } }))).toBeNull();
    expect(hookEventOf(entry('method.removed', { details: { pending: true } }))).toBeNull();
    expect(hookEventOf(entry('reset.completed', { details: { canary: true, durationMs: 1 } }))).toBeNull();
  });
});

describe('hook rows of an entry', () => {
  it('queues one row per subscribed hook of the tenant, keyed by hook and entry, with no identifier but the account id', () => {
    const messages = hookMessagesOf(routes, entry('reset.completed'));
    expect(messages.map((m) => m.to)).toEqual(['sso', 'all']);
    expect(messages[0]).toEqual({
      channel: 'hook', template: 'hook_event', tenantId: 'demo', to: 'sso', idempotencyKey: 'hook:sso:0000000000000042', flowId: 'f-1', subjectId: 'u-1',
      data: { event: 'reset.completed', preset: 'keycloak', eventId: 'entry-42', seq: 42, at: Date.UTC(2026, 0, 2, 3, 4, 5), actor: 'self' },
    });
    expect(hookMessagesOf(routes, entry('reset.completed', { tenantId: 'acme' })).map((m) => m.to)).toEqual(['sso', 'all', 'acme-only']);
    expect(hookMessagesOf(routes, entry('password.changed')).map((m) => m.to)).toEqual(['all']);
    expect(hookMessagesOf(routes, entry('helpdesk.action', { actor: 'operator:demo/opal', details: { action: 'unlock' } }))[0]!.data.actor).toBe('helpdesk');
  });

  it('costs nothing without hooks, and keys sort in entry order', () => {
    expect(hookMessagesOf([], entry('reset.completed'))).toEqual([]);
    expect(hookKey('a', 9) < hookKey('a', 10)).toBe(true);
  });
});

describe('the identifier a hook sends', () => {
  const account: DirectoryAccount = { id: 'dn-1', tenantId: 'demo', username: 'alice', email: 'alice@example.com', groups: [], enabled: true, locked: false };
  it('is the username, address, id or UPN as configured, and null rather than a guess', () => {
    expect(hookSubjectOf(account, 'username')).toBe('alice');
    expect(hookSubjectOf(account, 'email')).toBe('alice@example.com');
    expect(hookSubjectOf(account, 'id')).toBe('dn-1');
    expect(hookSubjectOf(account, 'upn', 'corp.example')).toBe('alice@corp.example');
    expect(hookSubjectOf({ ...account, username: 'alice@corp.example' }, 'upn')).toBe('alice@corp.example');
    expect(hookSubjectOf(account, 'upn')).toBeNull();
    expect(hookSubjectOf({ ...account, email: undefined }, 'email')).toBeNull();
  });
});

describe('the webhook body', () => {
  it('is a CloudEvent with the audit entry id as its stable id and the configured identifier as subject', () => {
    const event = hookCloudEvent({
      hook: 'all', preset: 'webhook', event: 'reset.completed', eventId: 'entry-42', at: Date.UTC(2026, 0, 2, 3, 4, 5), tenantId: 'demo', actor: 'self', flowId: 'f-1', accountId: 'u-1',
      subject: { type: 'username', value: 'alice' },
    }, 'urn:unlatch:node-1');
    expect(event).toEqual({
      specversion: '1.0', id: 'entry-42', source: 'urn:unlatch:node-1', type: 'io.unlatch.hook.reset.completed', subject: 'alice', time: '2026-01-02T03:04:05.000Z', datacontenttype: 'application/json',
      data: { event: 'reset.completed', hook: 'all', tenantId: 'demo', accountId: 'u-1', subject: { type: 'username', value: 'alice' }, actor: 'self', flowId: 'f-1' },
    });
  });
});
