import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScriptedLlm } from '@restflow/testkit';
import {
  AgentEngine,
  type AgentEngineDeps,
  type CommandSecurityPort,
  type EngineLimits,
  type RunEventPayloads,
  type RunEventSink,
  type ToolDeps,
} from '../../src/index.ts';

export interface RecordedEvent {
  type: string;
  payload: Record<string, unknown>;
}

/** A sink that keeps every event in order (tokens unbatched). */
export function recordingSink(): RunEventSink & { events: RecordedEvent[]; text(): string } {
  const events: RecordedEvent[] = [];
  return {
    events,
    token: (text) => events.push({ type: 'token', payload: { text } }),
    thinking: (content) => events.push({ type: 'thinking', payload: { content } }),
    emit: (type, payload: RunEventPayloads[typeof type]) => events.push({ type, payload: { ...payload } }),
    text: () =>
      events
        .filter((e) => e.type === 'token')
        .map((e) => e.payload.text)
        .join(''),
  };
}

export const allowAll: CommandSecurityPort = {
  evaluate: () => ({ action: 'allow' }),
  createApproval: () => {
    throw new Error('no approvals expected');
  },
  waitForDecision: async () => ({ status: 'rejected' }),
};

export function tempDir(prefix = 'rf-engine'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)));
}

export function toolDeps(overrides: Partial<ToolDeps> = {}): ToolDeps {
  return {
    security: allowAll,
    skills: { list: () => [], find: () => undefined },
    memory: { search: async () => [], store: () => ({ id: 'chunk-1' }) },
    secrets: { get: () => undefined },
    extraPaths: [],
    allowPrivateNetwork: false,
    ...overrides,
  };
}

export function engineWith(
  llm: ScriptedLlm,
  options: { limits?: Partial<EngineLimits>; tools?: Partial<ToolDeps>; workspaceRoot?: string } & Partial<
    Pick<AgentEngineDeps, 'skills' | 'now'>
  > = {},
): AgentEngine {
  const tools = toolDeps(options.tools);
  return new AgentEngine({
    llm: { resolve: async () => llm },
    skills: options.skills ?? tools.skills,
    tools,
    limits: options.limits,
    workspaceRoot: options.workspaceRoot ?? tempDir('rf-ws'),
    now: options.now,
  });
}
