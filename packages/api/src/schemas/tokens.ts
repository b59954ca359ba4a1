import { z } from 'zod';
import { text } from './limits.ts';
import { API_TOKEN_NAME_PATTERN, MAX_API_TOKEN_NAME_LENGTH } from './values.ts';

const tokenNameSchema = text('name')
  .trim()
  .min(1, 'name is required')
  .max(MAX_API_TOKEN_NAME_LENGTH, `name must be at most ${MAX_API_TOKEN_NAME_LENGTH} characters`)
  .regex(API_TOKEN_NAME_PATTERN, 'name must be letters, digits, ".", "_" and "-", starting with a letter or digit');

export const createApiTokenInput = z.strictObject({ name: tokenNameSchema, read_only: z.boolean().optional() });

/** A token by id, unique id prefix, or name. */
export const apiTokenRefInput = z.strictObject({ id: text('id').trim().min(1, 'id is required') });

/** A token as listings show it: never the token itself. */
export const apiTokenSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  read_only: z.boolean(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
});

/** `tokens.create`'s answer: the one time the token is returned. */
export const createdApiTokenSchema = apiTokenSchema.extend({ token: z.string() });

export type ApiToken = z.infer<typeof apiTokenSchema>;
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;
