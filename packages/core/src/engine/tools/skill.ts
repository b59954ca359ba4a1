import type { SkillPort } from '../ports.ts';
import { catalogueSpec } from './spec.ts';
import { ok, type ToolDefinition, ToolError } from './types.ts';

export function skillTool(skills: SkillPort): ToolDefinition {
  return {
    ...catalogueSpec('skill'),
    async execute(args) {
      if (args.action === 'list') {
        return ok(skills.list().map((s) => ({ id: s.id, name: s.name, description: s.description ?? null })));
      }
      if (typeof args.id !== 'string' || args.id === '') throw new ToolError('read needs "id"');
      const skill = skills.find(args.id);
      if (!skill) throw new ToolError(`skill ${args.id} not found`);
      return ok({ id: skill.id, name: skill.name, content: skill.content });
    },
  };
}
