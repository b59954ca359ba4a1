// What the daemon, the API, the testkit and the tests use of core, by name: everything else is internal.
export { DEFAULT_AGENT_NAME } from './agents/default-agent.ts';
export {
  API_TOKEN_NAME_PATTERN,
  API_TOKEN_PREFIX,
  type ApiTokenInfo,
  ApiTokenService,
  type CreatedApiToken,
  MAX_API_TOKEN_NAME_LENGTH,
} from './api-tokens/api-token.service.ts';
export { AUTH_PROVIDERS, AUTH_SOURCES, MODEL_PROVIDER_AUTH } from './auth/auth-types.ts';
export {
  TELEGRAM_SETTINGS_KEY,
  type TelegramSettings,
  TelegramSettingsService,
  validateTelegramSettings,
} from './channels/telegram-settings.ts';
export { CONFIG_KEYS, DEFAULT_SYSTEM_CONFIG } from './config/config.service.ts';
export { AgentEngine, type AgentEngineDeps } from './engine/agent-engine.ts';
export { runAgentLoop } from './engine/agent-loop.ts';
export { DeltaBatcher } from './engine/delta-batcher.ts';
export { createAgentRuntime, mcpPort, memoryPort, secretPort, securityPort } from './engine/engine-wiring.ts';
export type { EngineLimits } from './engine/limits.ts';
export type { CommandSecurityPort, SessionPort, SubAgentPort, SubAgentState } from './engine/ports.ts';
export {
  describeRequestDifference,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  ReplayDivergenceError,
  RunRecorder,
  type RunRecording,
  RunReplayer,
} from './engine/recording.ts';
export type { RunEventPayloads, RunEventSink, RunStreamEvent } from './engine/run-events.ts';
export { INTERRUPTED_ERROR, RunManager, type RunTreeNode } from './engine/run-manager.ts';
export { MAX_RECORDING_BYTES, parseRecording, RunRecordings, type StartedReplay } from './engine/run-recordings.ts';
export { BUILTIN_SUB_AGENTS, type SubAgentDefinition } from './engine/sub-agents/definitions.ts';
export { SubAgentService, type SubAgentSettings } from './engine/sub-agents/sub-agent.service.ts';
export {
  buildSystemPrompt,
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_TOOL_SYSTEM_PROMPT,
  substituteVariables,
} from './engine/system-prompt.ts';
export {
  buildToolRegistry,
  mcpToolName,
  parseMcpGrant,
  resolveAllowList,
  type ToolDefinition,
  type ToolDeps,
  ToolRegistry,
} from './engine/tools/index.ts';
export {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from './errors.ts';
export { CHANGES_CHANNEL, type Change } from './events/change-feed.ts';
export { OnePerTurn } from './events/one-per-turn.ts';
export { replayThenTail } from './events/replay-then-tail.ts';
export { ALL_RUNS_CHANNEL, RunEventLog, runChannel, type StoredEvent } from './events/run-event-log.ts';
export {
  BASE_URL_ENV,
  createLlmClientFactory,
  DEFAULT_BASE_URLS,
  type LlmClientFactoryOptions,
  llmTuningFromEnv,
  resolveBaseUrl,
} from './llm/client-factory.ts';
export { createModelClientResolver, ModelClientResolver } from './llm/model-client.ts';
export { retryAfterMs, toLlmError } from './llm/provider-errors.ts';
export { validateProviderSettings } from './llm/provider-settings.ts';
export { NO_KEY_NEEDED, resolveApiKey } from './llm/resolve-api-key.ts';
export { DEFAULT_RETRY_POLICY, RetryingLlmClient, type RetryNotice, retryDelayMs, withRetry } from './llm/retry.ts';
export {
  type CompletionRequest,
  type LlmClient,
  type LlmClientFactory,
  type LlmClientOptions,
  LlmError,
  type LlmMessage,
  type LlmToolCall,
  type LlmToolSpec,
  type StreamChunk,
} from './llm/types.ts';
export {
  LOG_LEVELS,
  LogFeed,
  type LogFilter,
  type LogLevelName,
  type LogLine,
  matchesLogFilter,
  parseLogLine,
} from './logs/log-feed.ts';
export {
  DatabaseMaintenance,
  type MaintenanceOptions,
  type MaintenanceReport,
} from './maintenance/database-maintenance.ts';
export {
  type CompactedRun,
  type CompactionPass,
  compactRunEvents,
  RunEventCompactor,
} from './maintenance/run-event-compaction.ts';
export { type McpCallResult, McpClientPool, type McpToolInfo } from './mcp/mcp-client-pool.ts';
export {
  type CreateMcpServerInput,
  MCP_SERVER_NAME_PATTERN,
  type McpServerInfo,
  McpServerService,
} from './mcp/mcp-server.service.ts';
export { chunkMessages, chunkText, DEFAULT_CHUNKER_OPTIONS } from './memory/chunker.ts';
export { EXPORT_PRESET_NAMES, EXPORT_PRESETS, resolveExportOptions } from './memory/export.ts';
export type { ImportChunkInput } from './memory/memory.service.ts';
export { MEMORY_SOURCE_TYPES, type MemorySearchQuery, SEARCH_MODES } from './memory/memory-model.ts';
export { MemoryReads } from './memory/memory-reads.ts';
export { frequencyScore, recencyScore, SCORING_PRESET_NAMES, SCORING_PRESETS, tagScore } from './memory/ranked.ts';
export { textMatcher } from './memory/text-match.ts';
export {
  findModel,
  MODEL_ALIASES,
  MODEL_CATALOGUE,
  MODEL_IDS,
  MODEL_RETIREMENTS,
  modelLifecycle,
  normalizeModelId,
  OPENAI_COMPATIBLE_PREFIX,
  openaiCompatibleModel,
} from './models/catalogue.ts';
export { LLM_PROVIDERS } from './models/model-list.service.ts';
// runRead and threadReads, what the search thread runs, are its own entry point: @restflow/core/read-thread.
export type { ReadAnswer, ReadArgs, ReadDomain, ReadName, ReadThread } from './read-thread.ts';
export { ManualClock } from './runtime.ts';
export type { TaskAgentRunner, TaskAgentRunRequest } from './scheduler/agent-runner.ts';
export { ModelChainError, ModelFailover } from './scheduler/failover.ts';
export { HEARTBEAT_STREAM, type HeartbeatEvent } from './scheduler/heartbeat.ts';
export {
  DEFAULT_TELEGRAM_API_BASE,
  formatTaskNotification,
  RUN_AGAIN_CALLBACK_PREFIX,
  TELEGRAM_TOKEN_SECRET,
  TelegramNotifier,
} from './scheduler/notifier.ts';
export { SlidingWindowRateLimiter } from './scheduler/rate-limiter.ts';
export { abortableSleep, DEFAULT_TASK_RETRY_POLICY, isTransientError, retryBackoffMs } from './scheduler/retry.ts';
export type { SchedulerOptions } from './scheduler/scheduler-model.ts';
export { TaskScheduler } from './scheduler/task-scheduler.ts';
export { type TaskStreamEvent, taskStreamId } from './scheduler/task-stream.ts';
export { tokenMatches } from './scheduler/webhook.ts';
export { loadMasterKey, MasterKey, MasterKeyError, parseMasterKeyText } from './secrets/master-key.ts';
export {
  MAX_SECRET_DESCRIPTION_LENGTH,
  MAX_SECRET_KEY_LENGTH,
  SecretService,
  USER_SECRET_KEY_PATTERN,
  WELL_KNOWN_SECRET_KEYS,
} from './secrets/secret.service.ts';
export { decryptSecret, encryptSecret, SecretDecryptError } from './secrets/secret-cipher.ts';
export {
  APPROVAL_STATUSES,
  APPROVALS_CHANNEL,
  type ApprovalQueue,
  type PendingApproval,
} from './security/approval-queue.ts';
export {
  type CommandEvaluation,
  DEFAULT_ALLOWLIST,
  defaultSecurityPolicy,
  evaluateCommand,
  matchesPattern,
  SECURITY_ACTIONS,
  type SecurityPolicy,
} from './security/command-policy.ts';
export { protectedPaths } from './security/protected-paths.ts';
export { Redactor } from './security/redactor.ts';
export {
  detectSandbox,
  noSandbox,
  probeSandbox,
  provenSandboxKey,
  sandboxRules,
  seatbeltProfile,
  type ToolSandbox,
} from './security/sandbox.ts';
export { MAX_APPROVAL_TIMEOUT_SECS, type PatternListName } from './security/security.service.ts';
export { createServices, type DomainServices, type RestflowServices, type ServiceDeps } from './services.ts';
export { ChatSessionReads } from './sessions/chat-session-reads.ts';
export { MAX_SHARED_VALUE_BYTES, SHARED_VISIBILITIES } from './shared/shared-space.service.ts';
export { parseSkillMarkdown, skillToMarkdown } from './skills/skill.service.ts';
export { type SkillRunRequest, startSkillRun } from './skills/skill-run.ts';
export { computeNextRunAt, MIN_INTERVAL_MS, validateSchedule } from './tasks/schedule.ts';
export { dueTasksQuery } from './tasks/task.service.ts';
export { ALL_TASKS_CHANNEL, taskChannel } from './tasks/task-events.ts';
export {
  type CreateTaskInput,
  DEFAULT_NOTIFICATION,
  TASK_STATUSES,
  type TaskEvent,
  type TaskExecutionModeInput,
} from './tasks/task-model.ts';
export { MAX_TERMINAL_HISTORY_CHARS } from './terminals/terminal-session.service.ts';
export { findTool, resolveToolName, TOOL_CATALOGUE, TOOL_NAMES } from './tools/catalogue.ts';
export { findExecutable } from './tools/find-executable.ts';
export {
  BUDGET_EXCEEDED,
  type BudgetBreach,
  type BudgetLimits,
  type BudgetSettings,
  utcDayStart,
} from './usage/budgets.ts';
export { costOf, defaultPrices, type ModelPrice, priceOf } from './usage/pricing.ts';
export {
  type PriceEntry,
  type RunMeter,
  type UsageGrouping,
  type UsageReport,
  UsageService,
  type UsageTotals,
} from './usage/usage.service.ts';
export {
  type ExecutionBackend,
  localBackend,
  type RunPlacement,
  WORKER_LOST,
  WorkerLostError,
} from './workers/execution-backend.ts';
export {
  EXECUTION_BACKENDS,
  type ExecutionSettingsPatch,
  ExecutionSettingsService,
  type ExecutionSettingsView,
  REDIS_PASSWORD_SECRET,
} from './workers/execution-settings.ts';
// The queue backend and the worker's runtime load BullMQ: not from here (the daemon's start would parse it), but
// through WorkerService (queue backend) and '@restflow/core/worker-runtime' (a worker process).
export type { ClaimAnswer, ReportAnswer } from './workers/queue-backend.ts';
export { normalizeTags, queueFor, queuesServing } from './workers/queue-names.ts';
export type {
  ApprovalWaitAnswer,
  DaemonToolAnswer,
  DaemonToolSpec,
  ProviderGrant,
  RemoteRunEvent,
  RemoteRunResult,
  RemoteRunSpec,
} from './workers/remote-run.ts';
export { type ExecutionSettings, WorkerService } from './workers/worker.service.ts';
export type { WorkerHello, WorkerInfo } from './workers/worker-registry.ts';
export type { DaemonLink, WorkerRegistration, WorkerRuntimeOptions } from './workers/worker-runtime.ts';
