import type { MemoryPort } from '../ports.ts';
import { catalogueSpec } from './spec.ts';
import { ok, type ToolDefinition, ToolError } from './types.ts';

const agentOf = (agentId: string | undefined): string => {
  if (!agentId) throw new ToolError('memory tools need a stored agent (not available to inline agents)');
  return agentId;
};

export function memorySearchTool(memory: MemoryPort): ToolDefinition {
  return {
    ...catalogueSpec('memory_search'),
    async execute(args, ctx) {
      const hits = await memory.search({
        agentId: agentOf(ctx.agentId),
        query: args.query as string,
        limit: args.limit as number,
      });
      return ok({ count: hits.length, results: hits });
    },
  };
}

export function memoryStoreTool(memory: MemoryPort): ToolDefinition {
  return {
    ...catalogueSpec('memory_store'),
    async execute(args, ctx) {
      const stored = memory.store({
        agentId: agentOf(ctx.agentId),
        content: args.content as string,
        tags: args.tags as string[],
        toolName: 'memory_store',
      });
      return ok({ stored: true, id: stored.id });
    },
  };
}
