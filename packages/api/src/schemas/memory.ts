// Agent ids accept a unique prefix; where the agent is optional it defaults to the first agent created.
import { z } from 'zod';
import { idSchema } from './common.ts';
import { NUL_REFUSED, text, withoutNul } from './limits.ts';
import { EXPORT_PRESET_NAMES, MEMORY_SOURCE_TYPES, SCORING_PRESET_NAMES, SEARCH_MODES } from './values.ts';

const agentIdSchema = text('id').trim().min(1, 'agent_id must not be empty').max(200);
const tagsSchema = z.array(text('tag').trim().min(1, 'tags must not be empty')).max(50);
const timeSchema = z.number().int().nonnegative();
const contentSchema = text('prompt').refine((text) => text.trim().length > 0, 'content must not be empty');

export const memorySourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('task_execution'), task_id: text('id').min(1) }),
  z.strictObject({ type: z.literal('conversation'), session_id: text('id').min(1) }),
  z.strictObject({ type: z.literal('manual_note') }),
  z.strictObject({ type: z.literal('agent_generated'), tool_name: text('name').min(1) }),
]);

const searchQueryShape = {
  agent_id: agentIdSchema.optional(),
  query: text('query').refine(withoutNul, NUL_REFUSED).nullish(),
  search_mode: z.enum(SEARCH_MODES).default('keyword'),
  session_id: text('id').min(1).nullish(),
  tags: tagsSchema.default([]),
  source_type: z.enum(MEMORY_SOURCE_TYPES).nullish(),
  from_time: timeSchema.nullish(),
  to_time: timeSchema.nullish(),
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
};
export const memorySearchInput = z.strictObject(searchQueryShape);

export const rankedSearchInput = z.strictObject({
  query: memorySearchInput,
  min_score: z.number().min(0).optional(),
  scoring_preset: z.enum(SCORING_PRESET_NAMES).optional(),
});

export const unifiedSearchInput = z.strictObject({
  ...searchQueryShape,
  include_sessions: z.boolean().default(true),
  // Each id is one SQLite variable (at most 32766 in a statement): a bounded list is refused cleanly instead.
  session_ids: z.array(idSchema).max(1000).default([]),
  session_agent_id: agentIdSchema.nullish(),
});

export const listChunksInput = z.strictObject({
  agent_id: agentIdSchema.optional(),
  tag: text('tag').trim().min(1).optional(),
  session_id: text('id').min(1).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).optional(),
});

export const createChunkInput = z.strictObject({
  agent_id: agentIdSchema.optional(),
  content: contentSchema,
  session_id: text('id').min(1).nullish(),
  tags: tagsSchema.default([]),
  source: memorySourceSchema.optional(),
});

const importChunkSchema = z.strictObject({
  content: contentSchema,
  session_id: text('id').min(1).nullish(),
  tags: tagsSchema.default([]),
  source: memorySourceSchema.optional(),
  token_count: z.number().int().nonnegative().nullish(),
  created_at: timeSchema.optional(),
});

export const importChunksInput = z.strictObject({
  agent_id: agentIdSchema.optional(),
  chunks: z.array(importChunkSchema).min(1, 'chunks must not be empty').max(10_000),
});

export const clearMemoryInput = z.strictObject({ agent_id: agentIdSchema });

export const optionalAgentInput = z.strictObject({ agent_id: agentIdSchema.optional() }).optional();

export const exportMemoryInput = z.strictObject({
  agent_id: agentIdSchema.optional(),
  session_id: idSchema.optional(),
  preset: z.enum(EXPORT_PRESET_NAMES).optional(),
  include_metadata: z.boolean().optional(),
  include_timestamps: z.boolean().optional(),
  include_source: z.boolean().optional(),
  include_tags: z.boolean().optional(),
  include_session_headers: z.boolean().optional(),
  date_format: text('token').min(1).optional(),
  chunk_separator: text('token').optional(),
});

export const createMemorySessionInput = z.strictObject({
  agent_id: agentIdSchema.optional(),
  name: text('name').trim().min(1, 'name is required'),
  description: text('description').nullish(),
  tags: tagsSchema.default([]),
});

export const updateMemorySessionInput = z.strictObject({
  id: idSchema,
  name: text('name').trim().min(1, 'name must not be empty').optional(),
  description: text('description').nullish(),
  tags: tagsSchema.optional(),
});

/** Without `delete_chunks` the session's chunks are kept, detached from it. */
export const deleteMemorySessionInput = z.strictObject({ id: idSchema, delete_chunks: z.boolean().default(false) });
