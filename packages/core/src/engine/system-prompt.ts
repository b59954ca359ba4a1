import type { AgentNode } from '@restflow/db';
import type { LlmToolSpec } from '../llm/types.ts';
import type { SkillRecord } from './ports.ts';

export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful AI assistant.';
export const DEFAULT_TOOL_SYSTEM_PROMPT = 'You are a helpful AI assistant that can use tools to accomplish tasks.';

/** `{{name}}` → the variable's value; unknown variables stay as written so the gap is visible. */
export function substituteVariables(text: string, variables: Record<string, string> | undefined): string {
  if (!variables) return text;
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => variables[name] ?? whole);
}

export interface SystemPromptParts {
  agent: AgentNode;
  /** The agent's skills, already looked up, in the agent's order. */
  skills: SkillRecord[];
  tools: LlmToolSpec[];
}

/** Agent prompt, then injected skills, then the tool list (docs/engine.md#system-prompt). */
export function buildSystemPrompt({ agent, skills, tools }: SystemPromptParts): string {
  const base = agent.prompt?.trim() || (tools.length > 0 ? DEFAULT_TOOL_SYSTEM_PROMPT : DEFAULT_SYSTEM_PROMPT);
  const sections = [base];
  if (skills.length > 0) {
    const blocks = skills.map(
      (skill) => `## Skill: ${skill.name}\n\n${substituteVariables(skill.content, agent.skill_variables).trim()}`,
    );
    sections.push(`---\n\n# Available Skills\n\n${blocks.join('\n\n')}`);
  }
  if (tools.length > 0) {
    sections.push(`## Available Tools\n\n${tools.map((t) => `### ${t.name}\n${t.description}`).join('\n\n')}`);
  }
  return sections.join('\n\n');
}
