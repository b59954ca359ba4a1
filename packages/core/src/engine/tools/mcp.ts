// Tools of external MCP servers, granted by `mcp:<server>:<tool>` or `mcp:<server>:*` allow-list entries. They
// go through the same registry as the built-in tools (argument validation, cancel, redaction, truncation) and the
// same security policy as commands: each call is judged by its name `mcp:<server>:<tool>` against the blocklist
// and the approval list (docs/mcp.md), and its time budget starts after any human approval, as bash's does. The
// model sees them as `mcp__<server>__<tool>`, as providers only accept [A-Za-z0-9_-] names.
import type { CommandSecurityPort, McpPort } from '../ports.ts';
import { awaitApproval } from './process-sandbox.ts';
import { fail, ok, type ToolDefinition, ToolError } from './types.ts';

export const MCP_ALLOW_PREFIX = 'mcp:';

export interface McpGrant {
  server: string;
  /** `*` for every tool of the server. */
  tool: string;
}

/** `mcp:<server>:<tool>` / `mcp:<server>:*`; undefined for anything else. */
export function parseMcpGrant(entry: string): McpGrant | undefined {
  const trimmed = entry.trim();
  if (!trimmed.toLowerCase().startsWith(MCP_ALLOW_PREFIX)) return undefined;
  const rest = trimmed.slice(MCP_ALLOW_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { server: rest.slice(0, colon), tool: rest.slice(colon + 1) };
}

const MAX_TOOL_NAME = 64;

/** The model-facing name; long or exotic tool names are folded into the allowed characters and length. */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX_TOOL_NAME);
}

/** JSON Schema dialect markers confuse the registry's validator and some providers; the shape is what counts. */
function parametersOf(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return { type: 'object', properties: {}, ...rest };
}

/**
 * The tool definitions of an agent's MCP grants. A server that cannot be reached, or a tool it does not have,
 * becomes a warning (like an unknown built-in tool name), never a failed run.
 */
export async function mcpTools(
  grants: readonly McpGrant[],
  port: McpPort | undefined,
  security?: CommandSecurityPort,
  signal?: AbortSignal,
): Promise<{ tools: ToolDefinition[]; warnings: string[] }> {
  const tools: ToolDefinition[] = [];
  const warnings: string[] = [];
  if (grants.length === 0) return { tools, warnings };
  if (!port)
    return { tools, warnings: grants.map((g) => `MCP tools are not available here (mcp:${g.server}:${g.tool})`) };
  const byServer = new Map<string, Set<string>>();
  for (const grant of grants) {
    const wanted = byServer.get(grant.server) ?? new Set<string>();
    wanted.add(grant.tool);
    byServer.set(grant.server, wanted);
  }
  const seen = new Set<string>();
  await Promise.all(
    [...byServer].map(async ([server, wanted]) => {
      let available: Awaited<ReturnType<McpPort['listTools']>>;
      try {
        available = await port.listTools(server, signal);
      } catch (error) {
        warnings.push(`MCP server ${server} is not available: ${(error as Error).message}`);
        return;
      }
      for (const name of wanted) {
        if (name !== '*' && !available.some((t) => t.name === name)) {
          warnings.push(`MCP server ${server} has no tool ${name}`);
        }
      }
      for (const tool of available) {
        if (!wanted.has('*') && !wanted.has(tool.name)) continue;
        const modelName = mcpToolName(server, tool.name);
        if (seen.has(modelName)) continue;
        seen.add(modelName);
        tools.push({
          name: modelName,
          description: `${tool.description ?? tool.name} (tool ${tool.name} of the MCP server ${server})`,
          parameters: parametersOf(tool.input_schema),
          selfTimed: true,
          async execute(args, ctx) {
            const grant = `${MCP_ALLOW_PREFIX}${server}:${tool.name}`;
            const decision = security?.evaluateTool?.(grant) ?? { action: 'allow' };
            if (decision.action === 'block') {
              return fail(`tool blocked by the security policy${decision.reason ? `: ${decision.reason}` : ''}`);
            }
            if (decision.action === 'require_approval' && security) {
              const command = `${grant} ${JSON.stringify(args).slice(0, 500)}`;
              const refused = await awaitApproval(security, { command, workdir: ctx.workspaceDir }, ctx);
              if (refused) return fail(refused);
            }
            const budget = AbortSignal.timeout(ctx.timeoutMs);
            try {
              const result = await port.callTool(server, tool.name, args, {
                signal: AbortSignal.any([ctx.signal, budget]),
                // A little over the budget: this call's own timer, not the SDK's, ends it with the tool's message.
                timeoutMs: ctx.timeoutMs + 1000,
              });
              return result.is_error ? fail(result.text) : ok(result.text);
            } catch (error) {
              if (budget.aborted && !ctx.signal.aborted) {
                throw new ToolError(`${modelName} timed out after ${ctx.timeoutMs} ms`);
              }
              throw error;
            }
          },
        });
      }
    }),
  );
  return { tools, warnings };
}
