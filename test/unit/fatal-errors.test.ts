import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitOnFatalErrors } from '../../src/cli/fatal-errors.js';

function fakeProcess() {
  const events = new EventEmitter();
  let err = '';
  const exits: number[] = [];
  const uninstall = exitOnFatalErrors({ events: events as unknown as NodeJS.Process, stderr: { write: (text: string) => (err += text) }, exit: (code) => exits.push(code) });
  return { events, exits, uninstall, stderr: () => err };
}

describe('an error nobody handled', () => {
  it('ends the process with exit code 1 and one line naming the error and where it came from', () => {
    const p = fakeProcess();
    p.events.emit('uncaughtException', Object.assign(new Error('boom\nsecond line'), { code: 'E_TEST' }));
    expect(p.exits).toEqual([1]);
    const lines = p.stderr().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^unlatch: fatal: uncaught exception, exiting: Error: boom second line \(E_TEST\) at .*fatal-errors\.test\.ts:\d+/);
  });

  it('treats an unhandled rejection the same, and reports only the first of several', () => {
    const p = fakeProcess();
    p.events.emit('unhandledRejection', 'plain reason');
    p.events.emit('uncaughtException', new Error('while exiting'));
    expect(p.stderr()).toBe('unlatch: fatal: unhandled promise rejection, exiting: plain reason\n');
    expect(p.exits).toEqual([1]);
  });

  it('can be uninstalled', () => {
    const p = fakeProcess();
    p.uninstall();
    expect(p.events.listenerCount('uncaughtException') + p.events.listenerCount('unhandledRejection')).toBe(0);
  });
});
