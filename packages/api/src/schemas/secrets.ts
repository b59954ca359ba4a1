import { z } from 'zod';
import { text } from './limits.ts';
import { MAX_SECRET_DESCRIPTION_LENGTH, MAX_SECRET_KEY_LENGTH, USER_SECRET_KEY_PATTERN } from './values.ts';

export const secretKeySchema = text('name')
  .min(1, 'key is required')
  .max(MAX_SECRET_KEY_LENGTH, `key must be at most ${MAX_SECRET_KEY_LENGTH} characters`)
  .regex(USER_SECRET_KEY_PATTERN, 'key must contain only A-Z, 0-9 and _ (e.g. OPENAI_API_KEY)');

// Messages describe the value and never echo it; the size limit is enforced by the service.
const secretValueSchema = text('secret').min(1, 'value must not be empty');
const descriptionSchema = text('short').max(
  MAX_SECRET_DESCRIPTION_LENGTH,
  `description must be at most ${MAX_SECRET_DESCRIPTION_LENGTH} characters`,
);

export const listSecretsInput = z.object({ include_internal: z.boolean().optional() }).strict().optional();

export const secretKeyInput = z.object({ key: secretKeySchema }).strict();

export const setSecretInput = z
  .object({ key: secretKeySchema, value: secretValueSchema, description: descriptionSchema.nullish() })
  .strict();
