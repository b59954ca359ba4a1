// The built-in sub-agents spawn_agent knows by name (docs/engine.md#sub-agents). Each runs on its parent's model
// and key, in its parent's workspace, with the tools listed here (names of the allow-list, engine/tools/index.ts).

export interface SubAgentDefinition {
  name: string;
  description: string;
  prompt: string;
  tools: readonly string[];
  /** Model turns the sub-agent gets before it must answer. */
  max_iterations: number;
}

const FINISH =
  'You are a sub-agent: another agent gave you this task and reads your final answer. Work on your own, then end ' +
  'with a complete, self-contained answer (no questions back).';

export const BUILTIN_SUB_AGENTS: readonly SubAgentDefinition[] = Object.freeze([
  {
    name: 'researcher',
    description: 'Finds and reads sources (web and files) and reports the facts with where they came from.',
    prompt:
      'You are a careful researcher. Gather information from the web (http_request) and the workspace files, ' +
      'check claims against more than one source when you can, and report findings with their sources. ' +
      FINISH,
    tools: ['http_request', 'read'],
    max_iterations: 15,
  },
  {
    name: 'coder',
    description: 'Writes and changes code in the workspace, runs it and its tests, and reports what changed.',
    prompt:
      'You are an experienced software engineer. Read the relevant code first, make focused changes, run what ' +
      'you changed (and its tests) with bash, and report the files you changed and how you checked them. ' +
      FINISH,
    tools: ['read', 'write', 'bash'],
    max_iterations: 20,
  },
  {
    name: 'reviewer',
    description: 'Reviews code or text in the workspace and reports problems by severity, without changing it.',
    prompt:
      'You are a thorough reviewer. Read what you are asked to review without changing anything, and report ' +
      'concrete problems (correctness, security, clarity) ordered by severity, each with where it is and a fix. ' +
      FINISH,
    tools: ['read'],
    max_iterations: 10,
  },
  {
    name: 'writer',
    description: 'Drafts and edits documents in the workspace: clear, structured prose for the intended reader.',
    prompt:
      'You are a skilled technical writer. Write clear, well-structured text for the intended reader; read the ' +
      'material you are given first, and save documents to the workspace when asked. ' +
      FINISH,
    tools: ['read', 'write'],
    max_iterations: 10,
  },
  {
    name: 'analyst',
    description: 'Analyses data files with Python and reports figures, trends and how they were computed.',
    prompt:
      'You are a data analyst. Load the data you are pointed to, compute with Python (run_python) rather than ' +
      'by hand, and report the figures and trends you found with how you computed them. ' +
      FINISH,
    tools: ['read', 'python'],
    max_iterations: 15,
  },
]);

export function findBuiltinSubAgent(name: string): SubAgentDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return BUILTIN_SUB_AGENTS.find((definition) => definition.name === wanted);
}
