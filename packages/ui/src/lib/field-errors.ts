// Form validation with the daemon's own input schemas (@restflow/api/schemas, zod only), so a form says what is
// wrong before it sends, in the same words the daemon would; what only the daemon can check (a model id against
// its catalogue, a name already taken) comes back as the error's `fieldErrors` and lands on the same fields.
import { useState } from 'react';
import type { z } from 'zod';

/** Messages by field path (`name`, `agent.temperature`). */
export type FieldErrors = Record<string, string>;

export function validateInput(schema: z.ZodType, input: unknown): FieldErrors | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '(input)';
    errors[key] ??= issue.message;
  }
  return errors;
}

/** The `fieldErrors` a tRPC error of the daemon carries (see packages/api/src/trpc.ts), by path. */
export function serverFieldErrors(error: unknown): FieldErrors {
  const data = (error as { data?: { fieldErrors?: { path: string; message: string }[] | null } } | null)?.data;
  const errors: FieldErrors = {};
  for (const { path, message } of data?.fieldErrors ?? []) errors[path] ??= message;
  return errors;
}

/**
 * A form's field errors: what its own check found before sending, over what the daemon answered to the last
 * send (`mutationError`). `check` records the schema's verdict and says whether to send.
 */
export function useFieldErrors(mutationError: unknown) {
  const [checked, setChecked] = useState<FieldErrors>({});
  return {
    fieldErrors: { ...serverFieldErrors(mutationError), ...checked } as FieldErrors,
    check(schema: z.ZodType, input: unknown): boolean {
      const invalid = validateInput(schema, input);
      setChecked(invalid ?? {});
      return invalid === null;
    },
  };
}
