#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './io.js';

// Holds the event loop open until the command has finished: a command may wait on something that keeps
// no handle of its own (an unref'd worker thread or timer), and must not be cut off half way by Node
// seeing an empty loop.
const keepAlive = setInterval(() => undefined, 1 << 30);
const code = await runCli(process.argv.slice(2), processIo());
clearInterval(keepAlive);
process.exitCode = code;
// The command has closed what it opened; should a stray handle (a paused stdin, a driver's timer)
// still hold the loop, do not hang the shell.
setTimeout(() => process.exit(code), 1000).unref();
