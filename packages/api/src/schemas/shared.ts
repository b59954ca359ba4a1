import { z } from 'zod';
import { MAX_SHARED_VALUE_BYTES, SHARED_VISIBILITIES } from './values.ts';

const keySchema = z.string().trim().min(1, 'key is required').max(512, 'key must be at most 512 characters');
/** Who is asking: an agent id, or absent for the user. Visibility rules are checked against it. */
const accessorSchema = z.string().trim().min(1, 'accessor must not be empty').max(200).optional();
const namespaceSchema = z.string().trim().min(1, 'namespace must not be empty').max(200).optional();

export const sharedKeyInput = z.object({ key: keySchema, accessor: accessorSchema }).strict();
export const listSharedInput = z.object({ namespace: namespaceSchema, accessor: accessorSchema }).strict().optional();

export const setSharedInput = z
  .object({
    key: keySchema,
    value: z.string().max(MAX_SHARED_VALUE_BYTES, `value must be at most ${MAX_SHARED_VALUE_BYTES} characters`),
    visibility: z.enum(SHARED_VISIBILITIES).optional(),
    content_type: z.string().max(200).optional(),
    type_hint: z.string().max(200).optional(),
    tags: z.array(z.string().trim().min(1, 'tags must not be empty').max(100)).max(50).optional(),
    accessor: accessorSchema,
  })
  .strict();
