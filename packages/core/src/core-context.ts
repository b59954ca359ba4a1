import type { Db } from '@restflow/db';
import type { RestflowPaths } from '@restflow/paths';
import type { ChangeFeed } from './events/change-feed.ts';
import type { EventBus } from './events/event-bus.ts';
import type { RunEventLog } from './events/run-event-log.ts';
import type { Clock, IdGenerator } from './runtime.ts';
import type { Redactor } from './security/redactor.ts';
import type { ToolSandbox } from './security/sandbox.ts';

/** What every service may depend on; services needing other services take them as extra constructor args. */
export interface CoreContext {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  env: NodeJS.ProcessEnv;
  paths: RestflowPaths | undefined;
  bus: EventBus;
  events: RunEventLog;
  /** Invalidation hints for clients: services publish here after a successful write. */
  changes: ChangeFeed;
  /** Replaces known secret values in whatever is persisted, streamed or sent to a provider. */
  redactor: Redactor;
  /** How agent tools are confined (docs/security.md). */
  sandbox: ToolSandbox;
}
