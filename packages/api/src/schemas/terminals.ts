import { z } from 'zod';
import { idSchema } from './common.ts';

const nameSchema = z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters');
const pathSchema = z.string().max(4096, 'working_directory must be at most 4096 characters');
const commandSchema = z.string().max(10_000, 'startup_command must be at most 10000 characters');

/** Without a name the session gets the next free "Terminal N". */
export const createTerminalInput = z
  .object({
    name: nameSchema.optional(),
    working_directory: pathSchema.optional(),
    startup_command: commandSchema.optional(),
  })
  .strict()
  .optional();

/** Only the given fields change; an empty working_directory / startup_command clears it. */
export const updateTerminalInput = z
  .object({
    id: idSchema,
    name: nameSchema.optional(),
    working_directory: pathSchema.optional(),
    startup_command: commandSchema.optional(),
    history: z.string().optional(),
    status: z.enum(['running', 'stopped']).optional(),
  })
  .strict();
