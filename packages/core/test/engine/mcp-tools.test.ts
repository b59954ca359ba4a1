// MCP tools of an agent go through the security policy like commands do: judged by their grant name
// `mcp:<server>:<tool>` against the blocklist and the approval list, with the time budget starting after a
// human's approval. Real SecurityService (SQLite in memory), a scripted MCP port.
import { describe, expect, it } from '@jest/globals';
import { createTestServices, waitUntil } from '@restflow/testkit';
import type { McpPort } from '../../src/engine/ports.ts';
import { mcpTools } from '../../src/engine/tools/mcp.ts';
import type { ToolContext } from '../../src/engine/tools/types.ts';
import { securityPort } from '../../src/index.ts';
import { recordingSink, tempDir } from './helpers.ts';

function scriptedPort(calls: string[], hold?: Promise<void>): McpPort {
  return {
    listTools: async () => [
      { name: 'read_issue', description: 'reads', input_schema: { type: 'object' } },
      { name: 'delete_repo', description: 'deletes', input_schema: { type: 'object' } },
    ],
    callTool: async (_server, tool, _args, options) => {
      calls.push(tool);
      if (hold) {
        await Promise.race([
          hold,
          new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason))),
        ]);
      }
      return { is_error: false, text: `${tool} done` };
    },
  };
}

function context(timeoutMs = 5_000): ToolContext & { events: ReturnType<typeof recordingSink> } {
  return {
    signal: new AbortController().signal,
    runId: 'run-1',
    agentId: 'agent-1',
    workspaceDir: tempDir('rf-mcp-tools'),
    timeoutMs,
    events: recordingSink(),
  };
}

describe('MCP tools and the security policy', () => {
  it('runs granted tools, refuses blocklisted ones and asks a human for the approval list', async () => {
    const s = createTestServices();
    s.security.addPattern('blocklist', { pattern: 'mcp:github:delete_*' });
    s.security.addPattern('approval_required', { pattern: 'mcp:github:read_*' });
    const calls: string[] = [];
    const { tools, warnings } = await mcpTools(
      [{ server: 'github', tool: '*' }],
      scriptedPort(calls),
      securityPort(s.security),
    );
    expect(warnings).toEqual([]);
    const byName = new Map(tools.map((t) => [t.name, t]));
    const remove = byName.get('mcp__github__delete_repo');
    const read = byName.get('mcp__github__read_issue');
    expect(remove?.selfTimed).toBe(true);

    const blocked = await remove?.execute({ repo: 'x' }, context());
    expect(blocked).toEqual({
      success: false,
      output: 'tool blocked by the security policy: matches the blocklist pattern "mcp:github:delete_*"',
    });

    const ctx = context();
    const pending = read?.execute({ number: 7 }, ctx);
    await waitUntil(() => s.security.approvals.list().length > 0, 5_000, 'the approval to be queued');
    const [approval] = s.security.approvals.list();
    expect(approval?.command).toBe('mcp:github:read_issue {"number":7}');
    expect(calls).toEqual([]);
    s.security.approvals.approve(approval?.id as string);
    expect(await pending).toEqual({ success: true, output: 'read_issue done' });
    expect(calls).toEqual(['read_issue']);
    expect(ctx.events.events.map((e) => e.type)).toEqual(['approval_required', 'step', 'step']);

    const rejectedCtx = context();
    const rejected = read?.execute({ number: 8 }, rejectedCtx);
    await waitUntil(
      () => s.security.approvals.list().some((a) => a.status === 'pending'),
      5_000,
      'the second approval',
    );
    const second = s.security.approvals.list().find((a) => a.status === 'pending');
    s.security.approvals.reject(second?.id as string, 'not today');
    expect(await rejected).toMatchObject({ success: false, output: expect.stringContaining('not today') });
    expect(calls).toEqual(['read_issue']);
  });

  it("ends a call that outlives the tool's time budget with the tool's own message", async () => {
    const s = createTestServices();
    const calls: string[] = [];
    const { tools } = await mcpTools(
      [{ server: 'slow', tool: 'read_issue' }],
      scriptedPort(calls, new Promise(() => {})),
      securityPort(s.security),
    );
    await expect(tools[0]?.execute({}, context(50))).rejects.toThrow('mcp__slow__read_issue timed out after 50 ms');
  });
});
