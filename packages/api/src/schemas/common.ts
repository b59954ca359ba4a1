// Wire conventions every domain shares: snake_case fields, ids that may be unique prefixes, one delete result.
import { z } from 'zod';
import { text } from './limits.ts';

export const idSchema = text('id').trim().min(1, 'id is required').max(200);

export const idInput = z.strictObject({ id: idSchema });

/** A user's text for an agent: kept exactly as typed (never trimmed), but not blank. */
export const textSchema = (field: string) =>
  text('prompt').refine((value) => value.trim().length > 0, `${field} is required`);

/**
 * What every `delete` returns: the deleted thing's full id (for keyed things — secrets, shared entries — its
 * key). Deleting what is not there is NOT_FOUND, never `deleted: false`.
 */
export const deleteResultSchema = z.strictObject({ deleted: z.literal(true), id: z.string() });
export type DeleteResult = z.infer<typeof deleteResultSchema>;

/** What every `clear` (delete all matching a filter) returns. */
export const clearResultSchema = z.strictObject({ deleted_count: z.number().int().nonnegative() });
export type ClearResult = z.infer<typeof clearResultSchema>;

/**
 * A resumable stream's cursor as tRPC hands it back on reconnect (`tracked()` ids are strings). `lastEventId` is
 * tRPC's own name for it, the one camelCase field on the wire.
 */
export const eventCursorSchema = text('token')
  .regex(/^\d+$/, 'lastEventId must be an event id (a non-negative integer)')
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : Number(value)));
