// The value lists the wire accepts, kept here so the schemas load in clients (console, CLI) without core or the
// database. Core owns the same lists; test/schema-values.test.ts fails when the two drift apart.

export const AUTH_PROVIDERS = ['anthropic', 'claude_code', 'openai', 'openai_codex', 'google', 'other'] as const;
export const AUTH_SOURCES = ['claude_code', 'codex_cli', 'keychain', 'environment', 'manual'] as const;
/** Model providers, whose keys `auth.apiKey` finds through their compatible auth providers. */
export const MODEL_PROVIDERS = ['anthropic', 'openai', 'deepseek'] as const;
/** Where models are served (`models.list`): the model providers and an OpenAI-compatible server. */
export const LLM_PROVIDERS = ['anthropic', 'openai', 'deepseek', 'openai_compatible'] as const;

export const TASK_STATUSES = ['active', 'paused', 'running', 'completed', 'failed'] as const;
export const MIN_INTERVAL_MS = 1000;

export const SEARCH_MODES = ['keyword', 'phrase', 'regex'] as const;
export const MEMORY_SOURCE_TYPES = ['task_execution', 'conversation', 'manual_note', 'agent_generated'] as const;
export const SCORING_PRESET_NAMES = ['default', 'frequency_focused', 'recency_focused', 'balanced'] as const;
export const EXPORT_PRESET_NAMES = ['default', 'minimal', 'compact'] as const;

export const USER_SECRET_KEY_PATTERN = /^[A-Z0-9_]+$/;
export const MAX_SECRET_KEY_LENGTH = 128;
export const MAX_SECRET_DESCRIPTION_LENGTH = 500;

export const MAX_API_TOKEN_NAME_LENGTH = 64;
export const API_TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const SECURITY_ACTIONS = ['allow', 'block', 'require_approval'] as const;
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export const MAX_APPROVAL_TIMEOUT_SECS = 7 * 24 * 3600;

export const SHARED_VISIBILITIES = ['public', 'shared', 'private'] as const;
export const MAX_SHARED_VALUE_BYTES = 1024 * 1024;

export const CONFIG_KEYS = [
  'worker_count',
  'task_timeout_seconds',
  'stall_timeout_seconds',
  'max_retries',
  'subagent_max_parallel',
  'subagent_timeout_seconds',
  'subagent_max_depth',
  'log_max_file_mb',
  'log_keep_files',
  'log_max_age_days',
  'run_events_keep_days',
] as const;

/** What started a run, and where it is: one list for every schema that names them. */
export const RUN_KINDS = ['chat', 'task', 'exec', 'system', 'replay'] as const;
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
