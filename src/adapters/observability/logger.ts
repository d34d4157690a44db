import pino, { type Logger } from 'pino';
import { currentTraceIds } from './tracing.js';

/** Path segments after these are bearer secrets (flow ids) and never reach a log line. */
const SECRET_SEGMENT = /(\/reset\/)[^/?#]+/g;

export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  // Query strings are dropped whole: nothing in them is needed to read a log, and they could hold a secret.
  return path.replace(SECRET_SEGMENT, (_m, prefix: string) => `${prefix}:flowId`) + (query === undefined ? '' : '?…');
}

/** Structured JSON logs; request bodies are never logged, credentials and cookies are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'unlatch' },
      // Inside a recorded trace every line carries its trace and span id, unless a child logger already bound them
      // (a request's own logger does). Tracing off: one cheap lookup that finds no span.
      mixin: (_merge, _level, self) => {
        const ids = currentTraceIds();
        return ids && !('traceId' in self.bindings()) ? ids : {};
      },
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.currentPassword', '*.newPassword', '*.code', '*.secret', '*.flowId'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: redactUrl(req.url), correlationId: req.id }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
