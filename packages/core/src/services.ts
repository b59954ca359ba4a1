import type { Db } from '@restflow/db';
import type { RestflowPaths } from '@restflow/paths';
import { AgentService } from './agents/agent.service.ts';
import { ConfigService } from './config/config.service.ts';
import { EventBus } from './events/event-bus.ts';
import { RunEventLog } from './events/run-event-log.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from './runtime.ts';

export interface ServiceDeps {
  db: Db;
  clock?: Clock;
  ids?: IdGenerator;
  /** Absent in unit tests that never touch files. */
  paths?: RestflowPaths;
  env?: NodeJS.ProcessEnv;
}

/** The composition of every domain service; the daemon builds one, tests build their own. */
export interface RestflowServices {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  env: NodeJS.ProcessEnv;
  paths: RestflowPaths | undefined;
  bus: EventBus;
  events: RunEventLog;
  agents: AgentService;
  config: ConfigService;
}

export function createServices(deps: ServiceDeps): RestflowServices {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const bus = new EventBus();
  const { db } = deps;
  return {
    db,
    clock,
    ids,
    env: deps.env ?? process.env,
    paths: deps.paths,
    bus,
    events: new RunEventLog(db, bus, clock),
    agents: new AgentService(db, clock, ids),
    config: new ConfigService(db, clock),
  };
}
