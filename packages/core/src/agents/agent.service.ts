import {
  type AgentNode,
  agents,
  type Db,
  desc,
  eq,
  placeholder,
  preparedQueriesOf,
  statementsOf,
  systemConfig,
} from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import { nameTakenIn, resolveRefIn } from '../id-prefix.ts';
import type { Clock, IdGenerator } from '../runtime.ts';
import { DEFAULT_AGENT_NAME, DEFAULT_AGENT_PROMPT } from './default-agent.ts';

/** The first agent created (agents_created_idx). */
const OLDEST_AGENT = 'SELECT id FROM agents ORDER BY created_at LIMIT 1';

/** Wire shape of an agent (docs/entities.md#agents). */
export interface StoredAgent {
  id: string;
  name: string;
  agent: AgentNode;
  created_at: number;
  updated_at: number;
}

type AgentRow = typeof agents.$inferSelect;

/** The reads of every agents.list and of each session's default agent, built once per database (prepared-queries.ts). */
const agentQueries = preparedQueriesOf((db) => ({
  all: db.select().from(agents).orderBy(desc(agents.updatedAt)).prepare(),
  byId: db
    .select()
    .from(agents)
    .where(eq(agents.id, placeholder('id')))
    .prepare(),
}));

const DEFAULT_AGENT_KEY = 'default_agent';

const toWire = (row: AgentRow): StoredAgent => ({
  id: row.id,
  name: row.name,
  agent: row.agent,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

/** Drops undefined/null fields: AgentNode fields are omitted when unset, never sent as null. */
function compactNode(node: AgentNode): AgentNode {
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined && v !== null)) as AgentNode;
}

export class AgentService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly changes: ChangeFeed;

  constructor(core: Pick<CoreContext, 'db' | 'clock' | 'ids' | 'changes'>) {
    this.db = core.db;
    this.clock = core.clock;
    this.ids = core.ids;
    this.changes = core.changes;
  }

  list(): StoredAgent[] {
    return agentQueries(this.db).all.all().map(toWire);
  }

  /** Accepts a full id, an agent name (case-insensitive; `restflow chat writer`) or a unique id prefix. */
  resolveId(ref: string): string {
    return resolveRefIn(this.db, 'agents', 'Agent', ref);
  }

  /** Agent names are unique (people refer to agents by name): a second one is a conflict. */
  private requireFreeName(name: string, exceptId?: string): void {
    const taken = nameTakenIn(this.db, 'agents', name, exceptId);
    if (taken) {
      throw new ConflictError(
        `an agent named "${name.trim()}" already exists (${taken.slice(0, 8)}); choose another name`,
        {
          reason: 'DUPLICATE_NAME',
          details: { entity: 'agent', name: name.trim(), id: taken },
        },
      );
    }
  }

  get(idOrPrefix: string): StoredAgent {
    const row = agentQueries(this.db).byId.get({ id: this.resolveId(idOrPrefix) });
    if (!row) throw new NotFoundError('Agent', idOrPrefix);
    return toWire(row);
  }

  find(id: string): StoredAgent | undefined {
    const row = agentQueries(this.db).byId.get({ id });
    return row ? toWire(row) : undefined;
  }

  create(name: string, agent: AgentNode = {}): StoredAgent {
    this.requireFreeName(name);
    const now = this.clock.now();
    const row = { id: this.ids.uuid(), name, agent: compactNode(agent), createdAt: now, updatedAt: now };
    this.db.insert(agents).values(row).run();
    this.changes?.publish({ entity: 'agents', id: row.id, action: 'created' });
    return toWire(row);
  }

  /** `agent`, when given, replaces the whole node: fields are never merged. */
  update(idOrPrefix: string, patch: { name?: string; agent?: AgentNode }): StoredAgent {
    const current = this.get(idOrPrefix);
    if (patch.name !== undefined) this.requireFreeName(patch.name, current.id);
    const next = {
      name: patch.name ?? current.name,
      agent: patch.agent ? compactNode(patch.agent) : current.agent,
      updatedAt: Math.max(this.clock.now(), current.updated_at),
    };
    this.db.update(agents).set(next).where(eq(agents.id, current.id)).run();
    this.changes?.publish({ entity: 'agents', id: current.id, action: 'updated' });
    return { ...current, name: next.name, agent: next.agent, updated_at: next.updatedAt };
  }

  delete(idOrPrefix: string): Deleted {
    const id = this.resolveId(idOrPrefix);
    const result = this.db.delete(agents).where(eq(agents.id, id)).run();
    if (result.changes === 0) throw new NotFoundError('Agent', idOrPrefix);
    this.changes?.publish({ entity: 'agents', id, action: 'deleted' });
    return { deleted: true, id };
  }

  /** The first agent created: the default one of calls that name none (a session, a memory note or search). */
  oldest(): StoredAgent | undefined {
    const id = this.oldestId();
    return id ? this.find(id) : undefined;
  }

  /** The id of `oldest()`, without reading its definition (memory calls need no more). */
  oldestId(): string | undefined {
    // Kept compiled: every memory call that names no agent asks, and building the query each time cost ~30-100 µs.
    return statementsOf(this.db.$client)(OLDEST_AGENT).pluck().get() as string | undefined;
  }

  /** Whether the agents table has any row (a data dir seeded before). */
  hasAny(): boolean {
    return this.db.select({ id: agents.id }).from(agents).limit(1).get() !== undefined;
  }

  /**
   * Startup invariant: an empty agents table gets the default assistant, on `model` when one is available (else
   * it waits for one: see default-agent-model.ts). Its id is remembered, so it is found again after a rename.
   */
  seedDefault(model?: string): StoredAgent | undefined {
    if (this.hasAny()) return undefined;
    const created = this.create(DEFAULT_AGENT_NAME, { prompt: DEFAULT_AGENT_PROMPT, ...(model ? { model } : {}) });
    const value = { id: created.id };
    const now = this.clock.now();
    this.db
      .insert(systemConfig)
      .values({ key: DEFAULT_AGENT_KEY, value, updatedAt: now })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value, updatedAt: now } })
      .run();
    return created;
  }

  /** The seeded default assistant (by its remembered id; data dirs seeded earlier: by its name), if it exists. */
  findDefault(): StoredAgent | undefined {
    const row = this.db.select().from(systemConfig).where(eq(systemConfig.key, DEFAULT_AGENT_KEY)).get();
    const id = (row?.value as { id?: string } | undefined)?.id;
    if (row) return id ? this.find(id) : undefined;
    const named = this.db.select().from(agents).where(eq(agents.name, DEFAULT_AGENT_NAME)).all();
    return named.length === 1 ? toWire(named[0] as AgentRow) : undefined;
  }
}
