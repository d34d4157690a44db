/** What the fatal-error handlers need of the process: its events, its error stream, and a way to exit. */
export interface FatalErrorDeps {
  events: Pick<NodeJS.Process, 'on' | 'off'>;
  stderr: { write(text: string): unknown };
  exit: (code: number) => void;
  /** Also print the stack (UNLATCH_DEBUG=1). */
  debug?: boolean;
}

/**
 * Ends the process with one clear line on stderr when an exception or a rejected promise reaches the top
 * with nobody to handle it. Errors that can be expected (a database restart, a lost connection) are
 * handled where they arise; anything arriving here is a bug, and a process in an unknown state must not
 * keep serving. The supervisor (systemd, Kubernetes) starts a fresh one. Returns an uninstall.
 */
export function exitOnFatalErrors(deps: FatalErrorDeps): () => void {
  let exiting = false;
  const fatal = (kind: string) => (error: unknown) => {
    // A second failure while the first is being reported must not print a second story.
    if (exiting) return;
    exiting = true;
    deps.stderr.write(`unlatch: fatal: ${kind}, exiting: ${describeFatal(error)}\n`);
    if (deps.debug === true && error instanceof Error && error.stack) deps.stderr.write(`${error.stack}\n`);
    deps.exit(1);
  };
  const onException = fatal('uncaught exception');
  const onRejection = fatal('unhandled promise rejection');
  deps.events.on('uncaughtException', onException);
  deps.events.on('unhandledRejection', onRejection);
  return () => {
    deps.events.off('uncaughtException', onException);
    deps.events.off('unhandledRejection', onRejection);
  };
}

/** `Name: message (code) at place`, on one line: enough to find the bug, short enough to read in a log. */
export function describeFatal(error: unknown): string {
  if (!(error instanceof Error)) return oneLine(String(error));
  const code = (error as { code?: unknown }).code;
  const where = error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();
  return oneLine(`${error.name}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}${where ? ` ${where}` : ''}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
