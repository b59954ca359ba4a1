// `@restflow/api/schemas`: the wire's zod schemas, for the routers and for clients that validate before sending
// (console forms, CLI). Loads only zod — never core or the database.
export * from './agents.ts';
export * from './auth.ts';
export * from './common.ts';
export * from './config.ts';
export * from './execute.ts';
export * from './limits.ts';
export * from './mcp.ts';
export * from './memory.ts';
export * from './models.ts';
export * from './recordings.ts';
export * from './resources.ts';
export * from './runs.ts';
export * from './secrets.ts';
export * from './security.ts';
export * from './sessions.ts';
export * from './shared.ts';
export * from './skills.ts';
export * from './system.ts';
export * from './tasks.ts';
export * from './telegram.ts';
export * from './terminals.ts';
export * from './tokens.ts';
export * from './usage.ts';
export * from './values.ts';
export * from './verbs.ts';
