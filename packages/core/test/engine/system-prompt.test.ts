import { describe, expect, it } from '@jest/globals';
import {
  buildSystemPrompt,
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_TOOL_SYSTEM_PROMPT,
  substituteVariables,
} from '../../src/index.ts';

describe('system prompt', () => {
  it('defaults by whether the agent has tools', () => {
    expect(buildSystemPrompt({ agent: {}, skills: [], tools: [] })).toBe(DEFAULT_SYSTEM_PROMPT);
    const withTool = buildSystemPrompt({
      agent: { prompt: '   ' },
      skills: [],
      tools: [{ name: 'bash', description: 'Run a command.', parameters: {} }],
    });
    expect(withTool).toBe(`${DEFAULT_TOOL_SYSTEM_PROMPT}\n\n## Available Tools\n\n### bash\nRun a command.`);
  });

  it('injects skills after the agent prompt, with {{var}} substitution', () => {
    const prompt = buildSystemPrompt({
      agent: { prompt: 'You review code.', skill_variables: { lang: 'TypeScript' } },
      skills: [
        { id: 'a', name: 'Style', content: 'Prefer {{ lang }}; keep {{unknown}} as is.\n' },
        { id: 'b', name: 'Tests', content: 'Write tests.' },
      ],
      tools: [],
    });
    expect(prompt).toBe(
      'You review code.\n\n---\n\n# Available Skills\n\n## Skill: Style\n\nPrefer TypeScript; keep {{unknown}} as is.\n\n## Skill: Tests\n\nWrite tests.',
    );
    expect(substituteVariables('{{x}}', undefined)).toBe('{{x}}');
  });
});
