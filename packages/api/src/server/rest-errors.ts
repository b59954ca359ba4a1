// The body of every REST error and the API's auth scheme, as the OpenAPI document (rest-openapi.ts) describes
// them; a module of its own so that importing them does not load the document's builder.
import { z } from 'zod';

export const BEARER_SCHEME = 'bearer';

const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const restErrorSchema = z
  .object({
    error: z.string().describe("The router's message"),
    code: z.string().describe("The router's error code: BAD_REQUEST, NOT_FOUND, CONFLICT, FORBIDDEN, …"),
    field_errors: z
      .array(fieldErrorSchema)
      .optional()
      .describe('Which input field is wrong and why (400 on invalid input), as the router reports it'),
    reason: z.string().optional().describe('A domain reason such as NO_MODEL, NO_API_KEY or DUPLICATE_NAME'),
    details: z.unknown().optional().describe("The reason's facts (e.g. the id of the existing thing)"),
  })
  .meta({ id: 'Error' });
