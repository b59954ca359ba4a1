import { z } from 'zod';

/** A user's text for an agent: kept exactly as typed (never trimmed), but not blank. */
export const textSchema = (field: string) =>
  z
    .string()
    .max(200_000, `${field} must be at most 200000 characters`)
    .refine((value) => value.trim().length > 0, `${field} is required`);
