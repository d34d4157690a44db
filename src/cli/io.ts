import type { Readable } from 'node:stream';

/** What a command may touch of its surroundings; tests pass their own to run commands in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Calls `handler` once when the process is asked to stop (SIGINT or SIGTERM); returns an
   * unsubscribe. Long-running commands (`serve`, `worker`) wait on it.
   */
  onShutdown(handler: (signal: string) => void): () => void;
}

/** The real process: its streams, environment, working directory and signals. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onShutdown(handler) {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      const listener = (signal: NodeJS.Signals) => {
        // Only the first signal is ours; a second one meets Node's default handler and ends the process at once.
        dispose();
        handler(signal);
      };
      const dispose = () => {
        for (const s of signals) process.off(s, listener);
      };
      for (const s of signals) process.on(s, listener);
      return dispose;
    },
  };
}

/** Resolves with the signal's name when the process is asked to stop. */
export function waitForShutdown(io: CliIo): { signal: Promise<string>; dispose: () => void } {
  let dispose = () => {};
  const signal = new Promise<string>((resolve) => {
    dispose = io.onShutdown(resolve);
  });
  return { signal, dispose };
}

/** Longest first line accepted on stdin: a 1024-code-point password in 4-byte UTF-8, with room to spare. */
const MAX_LINE_BYTES = 8192;

/**
 * The first line of `stream` without its line break (CRLF or LF), or everything when there is no line
 * break. Stops reading at the first line break, so a pipe that stays open does not hang the command.
 */
export function readFirstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (error) return reject(error);
      const text = Buffer.concat(chunks).toString('utf8');
      const newline = text.indexOf('\n');
      const first = newline === -1 ? text : text.slice(0, newline);
      resolve(first.endsWith('\r') ? first.slice(0, -1) : first);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      chunks.push(buffer);
      size += buffer.length;
      if (buffer.includes(10)) finish(null);
      else if (size > MAX_LINE_BYTES) finish(new Error(`the first line of standard input is longer than ${MAX_LINE_BYTES} bytes`));
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(error);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
