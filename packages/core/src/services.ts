import type { Db } from '@restflow/db';
import type { RestflowPaths } from '@restflow/paths';
import { AgentService } from './agents/agent.service.ts';
import { DefaultAgentModel } from './agents/default-agent-model.ts';
import { ApiTokenService } from './api-tokens/api-token.service.ts';
import { AuthProfileService } from './auth/auth-profile.service.ts';
import { TelegramSettingsService } from './channels/telegram-settings.ts';
import { ConfigService } from './config/config.service.ts';
import type { CoreContext } from './core-context.ts';
import type { ChatService } from './engine/chat.service.ts';
import { createAgentRuntime, mcpPort } from './engine/engine-wiring.ts';
import type { RunManager } from './engine/run-manager.ts';
import type { RunRecordings } from './engine/run-recordings.ts';
import { ChangeFeed } from './events/change-feed.ts';
import { EventBus } from './events/event-bus.ts';
import { RunEventLog } from './events/run-event-log.ts';
import { createLlmClientFactory } from './llm/client-factory.ts';
import type { ListModelsFn } from './llm/list-models.ts';
import { ProviderSettingsService } from './llm/provider-settings.ts';
import type { LlmClientFactory } from './llm/types.ts';
import { LogFeed } from './logs/log-feed.ts';
import { DatabaseMaintenance } from './maintenance/database-maintenance.ts';
import { McpClientPool } from './mcp/mcp-client-pool.ts';
import { McpServerService } from './mcp/mcp-server.service.ts';
import { MemoryService } from './memory/memory.service.ts';
import { ModelListService } from './models/model-list.service.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from './runtime.ts';
import { engineTaskRunner } from './scheduler/agent-runner.ts';
import { TaskScheduler } from './scheduler/task-scheduler.ts';
import { SecretService } from './secrets/secret.service.ts';
import { Redactor } from './security/redactor.ts';
import { detectSandbox, type ToolSandbox } from './security/sandbox.ts';
import { SecurityService } from './security/security.service.ts';
import { ChatSessionService } from './sessions/chat-session.service.ts';
import { SharedSpaceService } from './shared/shared-space.service.ts';
import { SkillService } from './skills/skill.service.ts';
import { TaskService } from './tasks/task.service.ts';
import { TerminalSessionService } from './terminals/terminal-session.service.ts';
import { HostToolsService } from './tools/host-tools.service.ts';
import { UsageService } from './usage/usage.service.ts';
import { ExecutionSettingsService } from './workers/execution-settings.ts';
import type { WorkerService } from './workers/worker.service.ts';
import { createWorkerService } from './workers/worker-wiring.ts';

export interface ServiceDeps {
  db: Db;
  clock?: Clock;
  ids?: IdGenerator;
  /** Absent in unit tests that never touch files. */
  paths?: RestflowPaths;
  env?: NodeJS.ProcessEnv;
  /** Default: the SDK-backed factory (tests may inject their own). */
  llm?: LlmClientFactory;
  /** Shared with the daemon's logger; default: a new one. */
  redactor?: Redactor;
  /** Default: what the platform offers (`detectSandbox`, honouring RESTFLOW_TOOL_SANDBOX). */
  sandbox?: ToolSandbox;
  /** Default: each provider's `GET /v1/models` through its SDK. */
  listModels?: ListModelsFn;
  /** The daemon's log lines, fed by its logger; default: an in-memory feed nothing writes to. */
  logs?: LogFeed;
}

/** The composition of every domain service; the daemon builds one, tests build their own. */
export interface RestflowServices extends CoreContext {
  agents: AgentService;
  config: ConfigService;
  skills: SkillService;
  tasks: TaskService;
  sessions: ChatSessionService;
  memory: MemoryService;
  secrets: SecretService;
  auth: AuthProfileService;
  security: SecurityService;
  shared: SharedSpaceService;
  terminals: TerminalSessionService;
  providers: ProviderSettingsService;
  models: ModelListService;
  defaultAgent: DefaultAgentModel;
  llm: LlmClientFactory;
  runs: RunManager;
  chat: ChatService;
  /** Recorded runs and their replays (docs/record-replay.md). */
  recordings: RunRecordings;
  scheduler: TaskScheduler;
  /** The database's upkeep: old runs' deltas compacted, statistics, WAL checkpoints, incremental vacuum. */
  maintenance: DatabaseMaintenance;
  host: HostToolsService;
  /** External MCP servers agents may call, and the live connections to them. */
  mcp: McpServerService;
  mcpClients: McpClientPool;
  apiTokens: ApiTokenService;
  telegram: TelegramSettingsService;
  usage: UsageService;
  logs: LogFeed;
  /** Remote workers under the queue backend (docs/workers.md); empty under the default local backend. */
  workers: WorkerService;
  /** `execution.*` config keys: the execution backend and its Redis (the password kept as a secret). */
  execution: ExecutionSettingsService;
}

/**
 * What the public API's procedures see: the domain services, not the plumbing they are built on (database, event
 * bus, run event log, environment, clock, ids, paths, provider clients).
 */
export type DomainServices = Omit<
  RestflowServices,
  'db' | 'bus' | 'events' | 'env' | 'clock' | 'ids' | 'paths' | 'llm'
>;

export function createServices(deps: ServiceDeps): RestflowServices {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const bus = new EventBus();
  const { db } = deps;
  const env = deps.env ?? process.env;
  const redactor = deps.redactor ?? new Redactor();
  const core: CoreContext = {
    db,
    clock,
    ids,
    env,
    paths: deps.paths,
    bus,
    events: new RunEventLog(db, bus, clock, redactor),
    changes: new ChangeFeed(bus),
    redactor,
    sandbox: deps.sandbox ?? detectSandbox(env),
  };
  // One line per service, in dependency order; each takes the core context, then the services it needs.
  const agents = new AgentService(core);
  const config = new ConfigService(core);
  const secrets = new SecretService(core);
  core.redactor.setFromEnv('env', core.env);
  secrets.syncRedactor();
  const auth = new AuthProfileService(core, secrets);
  const skills = new SkillService(core);
  const sessions = new ChatSessionService(core, agents, skills);
  const memory = new MemoryService(core, agents);
  const tasks = new TaskService(core, agents);
  const security = new SecurityService(core);
  const shared = new SharedSpaceService(core);
  const terminals = new TerminalSessionService(core);
  const providers = new ProviderSettingsService(core);
  const execution = new ExecutionSettingsService(core, secrets);
  const models = new ModelListService({
    keys: { secrets, auth, env: core.env },
    settings: () => providers.get(),
    env: core.env,
    clock,
    fetch: deps.listModels,
  });
  const defaultAgent = new DefaultAgentModel(agents, models, core.changes);
  const llm = deps.llm ?? createLlmClientFactory({ env: core.env, settings: () => providers.get() });
  const mcp = new McpServerService(core, secrets);
  mcp.syncRedactor();
  const mcpClients = new McpClientPool(mcp, mcpPoolOptions(env));
  const usage = new UsageService(core, {
    agent: (id) => agents.find(id)?.name,
    task: (id) => tasks.find(id)?.name,
  });
  const { engine, runs, chat, recordings } = createAgentRuntime(core, {
    agents,
    sessions,
    security,
    skills,
    memory,
    secrets,
    auth,
    llm,
    usage,
    mcpTools: mcpPort(mcpClients),
    config,
  });
  const workers = createWorkerService(core, {
    engine,
    runs,
    security,
    secrets,
    skills,
    auth,
    providers,
    agents,
    execution,
  });
  const agentRunner = engineTaskRunner({ chat, runs, agents });
  const scheduler = new TaskScheduler(core, { tasks, config, agents, memory, secrets, usage }, { agentRunner });
  const maintenance = new DatabaseMaintenance(db, core.clock, { keepDays: () => config.get().run_events_keep_days });
  return {
    ...core,
    logs: deps.logs ?? new LogFeed(),
    agents,
    config,
    secrets,
    auth,
    skills,
    sessions,
    memory,
    tasks,
    security,
    shared,
    terminals,
    providers,
    models,
    defaultAgent,
    llm,
    runs,
    chat,
    recordings,
    scheduler,
    maintenance,
    host: new HostToolsService(core),
    mcp,
    mcpClients,
    apiTokens: new ApiTokenService(core),
    telegram: new TelegramSettingsService(core),
    execution,
    usage,
    workers,
  };
}

/** `RESTFLOW_MCP_IDLE_MS`: how long an unused MCP server keeps running (positive integer, else the default). */
function mcpPoolOptions(env: NodeJS.ProcessEnv): { idleMs?: number } {
  const idleMs = Number(env.RESTFLOW_MCP_IDLE_MS);
  return Number.isInteger(idleMs) && idleMs > 0 ? { idleMs } : {};
}
