// External MCP servers (`mcp.*`) and skill runs through the engine.
import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';
import { NUL_REFUSED, text, withoutNul } from './limits.ts';

const serverNameSchema = text('name')
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/,
    'name must be 1-32 characters of letters, digits, _ and -, starting with a letter or digit',
  );

/** A stdio server (`command` + `args`) or a Streamable HTTP one (`url` + `headers`). */
export const createMcpServerInput = z.strictObject({
  name: serverNameSchema,
  command: text('path').trim().min(1).refine(withoutNul, NUL_REFUSED).optional(),
  args: z.array(text('argument').refine(withoutNul, NUL_REFUSED)).optional(),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }).optional(),
  /** Sent with every request to an HTTP server; stored encrypted, never listed (only their names are). */
  headers: z.record(text('name').min(1), text('secret')).optional(),
});

/** By id or by name. */
export const mcpServerRefInput = z.strictObject({ id: text('id').trim().min(1) });

export const mcpServerSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  command: z.string().nullable(),
  args: z.array(z.string()),
  url: z.string().nullable(),
  header_names: z.array(z.string()),
  created_at: z.number(),
  updated_at: z.number(),
});

export const mcpToolSchema = z.strictObject({
  name: z.string(),
  description: z.string().nullable(),
  input_schema: z.record(z.string(), z.unknown()),
});

export const mcpTestResultSchema = z.strictObject({
  server: mcpServerSchema,
  tools: z.array(mcpToolSchema),
});

export const runSkillInput = z.strictObject({
  id: idSchema,
  input: textSchema('input').optional(),
  /** The agent that applies the skill; default: the default assistant. */
  agent_id: idSchema.optional(),
});
