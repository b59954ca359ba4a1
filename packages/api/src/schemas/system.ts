import { z } from 'zod';
import { eventCursorSchema } from './common.ts';

/** Resumes after `lastEventId`; without one, starts with the latest event. */
export const heartbeatStreamInput = z.object({ lastEventId: eventCursorSchema }).strict().optional();

export const transportSchema = z.strictObject({
  kind: z.enum(['pipe', 'ws', 'ipc', 'local', 'http']),
  address: z.string(),
});

/** What `system.status` reports; a client compares `protocol_version` with its own before anything else. */
export const daemonStatusSchema = z.strictObject({
  pid: z.number().int(),
  version: z.string(),
  protocol_version: z.number().int(),
  started_at: z.number(),
  uptime_ms: z.number(),
  data_dir: z.string(),
  transports: z.array(transportSchema),
});
export type DaemonStatus = z.infer<typeof daemonStatusSchema>;
