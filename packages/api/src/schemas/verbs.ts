// The one verb set of the router. A procedure is named by its verb (the last path segment), on a sub-router per
// resource (`memory.sessions.create`, `sessions.messages.list`); a read that returns a named thing may be named
// by that thing (`system.status`, `tasks.active`); a subscription is `on<Thing>`. test/router-conventions.test.ts
// holds every procedure to this table.

export type ProcedureType = 'query' | 'mutation';

export interface Verb {
  type: ProcedureType;
  /** What it means wherever it appears. */
  meaning: string;
}

export const VERBS = {
  list: { type: 'query', meaning: 'many of a resource; filters are optional inputs, never extra procedures' },
  get: { type: 'query', meaning: 'one by id (a unique prefix is accepted) or the one value of a singleton' },
  create: { type: 'mutation', meaning: 'a new thing with a new id; returns it' },
  update: { type: 'mutation', meaning: 'changes the given fields of one thing (or of a singleton); returns it' },
  delete: { type: 'mutation', meaning: 'removes one thing; returns `{ deleted: true, id }` (deleteResultSchema)' },
  set: {
    type: 'mutation',
    meaning:
      'writes a whole value at a key or singleton, creating or replacing it (secrets, shared entries, config, ' +
      'provider settings, a pattern list); returns what is stored',
  },
  clear: { type: 'mutation', meaning: 'deletes every thing matching a filter; returns `{ deleted_count }`' },
  reset: { type: 'mutation', meaning: 'puts a singleton back to its defaults' },
  add: { type: 'mutation', meaning: 'appends a value to an ordered list that has no ids (a policy pattern list)' },
  remove: { type: 'mutation', meaning: 'takes a value out of such a list by its index' },
  has: { type: 'query', meaning: 'whether a thing exists, without returning it' },
  search: { type: 'query', meaning: 'full-text or pattern search' },
  import: { type: 'mutation', meaning: 'creates or replaces things from an exchange format' },
  export: { type: 'query', meaning: 'renders things into an exchange format' },
  sync: { type: 'mutation', meaning: 'imports everything a folder holds' },
  send: { type: 'mutation', meaning: 'adds a chat message and starts the run that answers it; returns at once' },
  run: { type: 'mutation', meaning: 'starts a run now and returns at once with its ids; watch it by subscription' },
  execute: { type: 'mutation', meaning: 'runs an agent to completion and returns its answer' },
  replay: {
    type: 'mutation',
    meaning: 'runs a recorded run again offline, served from its recording; returns at once with its ids',
  },
  cancel: { type: 'mutation', meaning: 'stops a run in progress' },
  claim: { type: 'mutation', meaning: 'takes queued work for the caller and returns what it needs to do it' },
  settle: { type: 'mutation', meaning: 'reports how work taken with claim ended' },
  invoke: {
    type: 'mutation',
    meaning:
      'runs one tool call for work the caller claimed; answers its result, or `pending` while it still runs ' +
      '(ask again with the same call id to join it)',
  },
  wait: {
    type: 'query',
    meaning: 'the decision on one thing, waiting for it at most a given time (a long poll); `pending` when none yet',
  },
  pause: { type: 'mutation', meaning: 'stops scheduling a task' },
  resume: { type: 'mutation', meaning: 'schedules a paused task again' },
  enable: { type: 'mutation', meaning: 'makes a thing available for selection again' },
  disable: { type: 'mutation', meaning: 'takes a thing out of selection, keeping it' },
  use: { type: 'mutation', meaning: 'makes a thing the first choice' },
  select: { type: 'query', meaning: 'the choice that would be made now, with the reason' },
  discover: { type: 'mutation', meaning: 'finds and records things that exist outside RestFlow' },
  test: { type: 'mutation', meaning: 'checks that a thing works, without changing it' },
  check: { type: 'query', meaning: 'evaluates an input against rules, recording nothing' },
  approve: { type: 'mutation', meaning: 'decides a pending approval: yes' },
  reject: { type: 'mutation', meaning: 'decides a pending approval: no' },
  expire: { type: 'mutation', meaning: 'expires whatever is past its time' },
  ping: { type: 'query', meaning: 'answers when the daemon is up' },
  shutdown: { type: 'mutation', meaning: 'stops the daemon' },
} as const satisfies Record<string, Verb>;

export type VerbName = keyof typeof VERBS;

/**
 * Names that mean one of the verbs above and so must not appear: one operation, one word. The resource verbs
 * (list … clear) and these never prefix a name either — not `getSession`, `listByAgent`, `deleteOlderThan`: use a
 * sub-router or a filter. A domain verb may carry a qualifier for a variant with a shape of its own
 * (`memory.searchRanked`, `agents.executeInline`).
 */
export const VERB_SYNONYMS: Record<string, VerbName> = {
  fetch: 'get',
  read: 'get',
  show: 'get',
  find: 'get',
  all: 'list',
  new: 'create',
  insert: 'create',
  make: 'create',
  rename: 'update',
  edit: 'update',
  patch: 'update',
  modify: 'update',
  destroy: 'delete',
  erase: 'delete',
  del: 'delete',
  rm: 'delete',
  purge: 'clear',
  prune: 'clear',
  upsert: 'set',
  put: 'set',
  start: 'run',
  stop: 'cancel',
  abort: 'cancel',
  request: 'create',
  mark: 'update',
};
