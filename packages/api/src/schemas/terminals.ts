import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';

const nameSchema = text('name').trim().min(1, 'name must not be empty');
const pathSchema = text('path');
const commandSchema = text('argument');

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
    history: text('history').optional(),
    status: z.enum(['running', 'stopped']).optional(),
  })
  .strict();
