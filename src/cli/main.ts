#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { runCli } from './cli.js';
import { exitOnFatalErrors } from './fatal-errors.js';
import { processIo } from './io.js';

// A bug that reaches the top ends the process with one clear line; expected failures are handled where they arise.
exitOnFatalErrors({ events: process, stderr: process.stderr, exit: (code) => process.exit(code), debug: process.env.UNLATCH_DEBUG === '1' });

// argon2id runs on libuv's thread pool (4 threads by default). More hashes at once than cores only adds
// memory (19 MiB each) and latency, not throughput. Set before anything uses the pool; an operator's
// own UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));

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
