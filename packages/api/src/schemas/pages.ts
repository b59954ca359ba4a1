// Keyset pages of the lists that grow without bound (packages/core/src/page-cursor.ts): a `page` read takes the
// list's filters plus `cursor` and `limit`, and answers `{ items, next_cursor }`. A client passes `next_cursor`
// back unchanged as `cursor`; null means the last page. The `list` reads beside them answer the whole list.
import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';
import {
  chatMessageSchema,
  chatSessionSearchHitSchema,
  chatSessionSummarySchema,
  memoryChunkSchema,
  runInfoSchema,
} from './resources.ts';
import { runFilterFields } from './runs.ts';
import { searchSessionsFields } from './sessions.ts';

const pageFields = {
  cursor: text('key').min(1).optional().describe('next_cursor of the page before; absent: the first page'),
  limit: z.number().int().min(1).max(500).optional().describe('page size (default 50)'),
};

const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable().describe('the cursor of the next page; null on the last page'),
    })
    .meta({ id });

export const sessionsPageInput = z
  .strictObject({ agent_id: idSchema.optional(), skill_id: idSchema.optional(), ...pageFields })
  .default({});
export const sessionsPageSchema = pageOf(chatSessionSummarySchema, 'ChatSessionSummaryPage');

/** Search hits in the session list's order, a page at a time. */
export const searchSessionsPageInput = z.strictObject({ ...searchSessionsFields, ...pageFields });
export const searchSessionsPageSchema = pageOf(chatSessionSearchHitSchema, 'ChatSessionSearchHitPage');

/** The first page holds a session's last messages; each page is oldest first, next_cursor goes back in time. */
export const messagesPageInput = z.strictObject({ session_id: idSchema, ...pageFields });
export const messagesPageSchema = pageOf(chatMessageSchema, 'ChatMessagePage');

export const runsPageInput = z.strictObject({ ...runFilterFields, ...pageFields }).default({});
export const runsPageSchema = pageOf(runInfoSchema, 'RunInfoPage');

export const chunksPageInput = z
  .strictObject({
    agent_id: text('id').trim().min(1, 'agent_id must not be empty').max(200).optional(),
    tag: text('tag').trim().min(1).optional(),
    session_id: text('id').min(1).optional(),
    ...pageFields,
  })
  .default({});
export const chunksPageSchema = pageOf(memoryChunkSchema, 'MemoryChunkPage');
