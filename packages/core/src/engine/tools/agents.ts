// spawn_agent, wait_agents and list_agents (docs/engine.md#sub-agents): a run starts other runs and collects their
// results. The waiting tools time themselves (a sub-agent may take minutes); a cancel still cuts them off.
import type { SubAgentPort } from '../ports.ts';
import { catalogueSpec } from './spec.ts';
import { ok, type ToolDefinition } from './types.ts';

export function spawnAgentTool(agents: SubAgentPort): ToolDefinition {
  return {
    ...catalogueSpec('spawn_agent'),
    selfTimed: true,
    async execute(args, ctx) {
      const spawned = await agents.spawn(ctx.runId, {
        agent: args.agent as string,
        task: args.task as string,
        ...(typeof args.timeout_secs === 'number' ? { timeoutSecs: args.timeout_secs } : {}),
      });
      if (args.wait !== true) return ok(spawned);
      const {
        agents: [result],
      } = await agents.wait(ctx.runId, [spawned.id], Number.POSITIVE_INFINITY, ctx.signal);
      return ok(result);
    },
  };
}

export function waitAgentsTool(agents: SubAgentPort): ToolDefinition {
  return {
    ...catalogueSpec('wait_agents'),
    selfTimed: true,
    async execute(args, ctx) {
      const ids = Array.isArray(args.ids) && args.ids.length > 0 ? (args.ids as string[]) : undefined;
      const timeoutMs = typeof args.timeout_secs === 'number' ? args.timeout_secs * 1000 : undefined;
      return ok(await agents.wait(ctx.runId, ids, timeoutMs, ctx.signal));
    },
  };
}

export function listAgentsTool(agents: SubAgentPort): ToolDefinition {
  return {
    ...catalogueSpec('list_agents'),
    async execute(_args, ctx) {
      return ok(agents.list(ctx.runId));
    },
  };
}
