import { z } from 'zod';
import { eventCursorSchema } from './common.ts';
import { channelStatusSchema } from './telegram.ts';

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
  /** How agent tools are confined (docs/security.md). */
  tools_sandbox: z.enum(['bubblewrap', 'seatbelt', 'none']),
  /** Plain words when tools run unsandboxed; null otherwise. */
  tools_sandbox_warning: z.string().nullable(),
  /** The chat channels the daemon runs (docs/channels.md); absent from a daemon without any. */
  channels: z.strictObject({ telegram: channelStatusSchema }).optional(),
});
export type DaemonStatus = z.infer<typeof daemonStatusSchema>;
