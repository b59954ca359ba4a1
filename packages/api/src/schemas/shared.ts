import { z } from 'zod';
import { text } from './limits.ts';
import { MAX_SHARED_VALUE_BYTES, SHARED_VISIBILITIES } from './values.ts';

const keySchema = text('key').trim().min(1, 'key is required');
/** Who is asking: an agent id, or absent for the user. Visibility rules are checked against it. */
const accessorSchema = text('id').trim().min(1, 'accessor must not be empty').optional();
const namespaceSchema = text('name').trim().min(1, 'namespace must not be empty').optional();

export const sharedKeyInput = z.object({ key: keySchema, accessor: accessorSchema }).strict();
export const listSharedInput = z.object({ namespace: namespaceSchema, accessor: accessorSchema }).strict().optional();

export const setSharedInput = z
  .object({
    key: keySchema,
    value: text('document').max(MAX_SHARED_VALUE_BYTES, `must be at most ${MAX_SHARED_VALUE_BYTES} characters`),
    visibility: z.enum(SHARED_VISIBILITIES).optional(),
    content_type: text('token').optional(),
    type_hint: text('token').optional(),
    tags: z.array(text('tag').trim().min(1, 'tags must not be empty')).max(50).optional(),
    accessor: accessorSchema,
  })
  .strict();
