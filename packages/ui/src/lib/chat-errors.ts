// What a failed chat send means for the user: some failures are fixed on the agent (a model) or in the keys,
// and the console offers that fix in place rather than naming a CLI command.

export type FixableChatError = 'no_model' | 'model_retired' | 'unknown_model' | 'no_api_key';

const CODES: Record<string, FixableChatError> = {
  NO_MODEL: 'no_model',
  MODEL_RETIRED: 'model_retired',
  UNKNOWN_MODEL: 'unknown_model',
  NO_API_KEY: 'no_api_key',
};

interface ErrorLike {
  message?: unknown;
  data?: Record<string, unknown> | null;
}

/**
 * The daemon names the cause in the error's data (`reason`, or the code fields) when it knows it; older daemons
 * only say it in the message, so the message is read as a fallback.
 */
export function fixableChatError(error: unknown): FixableChatError | null {
  if (!error || typeof error !== 'object') return null;
  const { message, data } = error as ErrorLike;
  for (const field of ['reason', 'error_code', 'restflow_code', 'app_code'] as const) {
    const value = data?.[field];
    if (typeof value === 'string' && CODES[value]) return CODES[value];
  }
  const text = typeof message === 'string' ? message : '';
  if (/\bhas no model\b/i.test(text) || /\bNO_MODEL\b/.test(text)) return 'no_model';
  if (/\bretired\b|\bend-of-life\b|\bMODEL_RETIRED\b/i.test(text)) return 'model_retired';
  if (/\bunknown model\b/i.test(text)) return 'unknown_model';
  if (/\bno API key\b|\bNO_API_KEY\b/i.test(text)) return 'no_api_key';
  return null;
}

/** The secret a "no API key for <provider>" error asks for, e.g. OPENAI_API_KEY. */
export function missingKeyName(error: unknown): string | null {
  const text = error && typeof error === 'object' ? String((error as ErrorLike).message ?? '') : '';
  return /\bset secret ([A-Z][A-Z0-9_]*)/.exec(text)?.[1] ?? /\b([A-Z][A-Z0-9]*_API_KEY)\b/.exec(text)?.[1] ?? null;
}
