import { z } from 'zod';

/** A listener's `host:port` (`0.0.0.0:9464`, `[::1]:9443`), as `metrics.listen` and `admin.listen` take it. */
export const listenSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. 0.0.0.0:9464')
  .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'port at most 65535');
