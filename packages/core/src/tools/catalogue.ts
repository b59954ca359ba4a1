// The built-in agent tools (docs/engine.md#tools): what the model is told about each tool. The agent
// engine implements one executor per entry; an agent's `tools` allow-list picks from these names.

/** The subset of JSON Schema the tool parameters use (what LLM providers accept as function parameters). */
export type ToolParameterSchema = {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, ToolParameterSchema>;
  required?: string[];
  items?: ToolParameterSchema;
  enum?: readonly string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | ToolParameterSchema;
};

export interface BuiltinToolDefinition {
  name: string;
  description: string;
  parameters: ToolParameterSchema & { type: 'object' };
}

const object = (
  properties: Record<string, ToolParameterSchema>,
  required: string[],
): BuiltinToolDefinition['parameters'] => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const TOOL_CATALOGUE: readonly BuiltinToolDefinition[] = Object.freeze([
  {
    name: 'bash',
    description:
      'Run a shell command (bash -c) and return its exit code, stdout and stderr (output capped at 100 KB). ' +
      'Every command is checked against the security policy first: read-only commands run at once, others wait ' +
      'for the user to approve them, and blocked commands are refused with the reason.',
    parameters: object(
      {
        command: { type: 'string', description: 'The command line to run.' },
        workdir: { type: 'string', description: 'Working directory (default: the agent workspace).' },
        timeout: {
          type: 'integer',
          description: 'Seconds before the command is killed.',
          default: 120,
          minimum: 1,
          maximum: 3600,
        },
      },
      ['command'],
    ),
  },
  {
    name: 'file',
    description:
      'Read, write, list, delete or check files. `read` returns the text; `write` replaces the file (or appends ' +
      'with `append: true`), creating parent directories; `list` returns the entries of a directory.',
    parameters: object(
      {
        action: { type: 'string', enum: ['read', 'write', 'list', 'delete', 'exists'], description: 'What to do.' },
        path: { type: 'string', description: 'File or directory path.' },
        content: { type: 'string', description: 'Text to write (action `write`).' },
        append: { type: 'boolean', description: 'Append instead of replacing (action `write`).', default: false },
      },
      ['action', 'path'],
    ),
  },
  {
    name: 'http_request',
    description: 'Make an HTTP request and return the status, headers and body (text, truncated when large).',
    parameters: object(
      {
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'DELETE'], description: 'HTTP method.' },
        url: { type: 'string', description: 'Absolute http(s) URL.' },
        headers: {
          type: 'object',
          description: 'Request headers.',
          additionalProperties: { type: 'string' },
        },
        body: { type: 'string', description: 'Request body (send JSON as a string with a content-type header).' },
      },
      ['method', 'url'],
    ),
  },
  {
    name: 'run_python',
    description: 'Run a Python 3 script (python3 on the PATH) and return its stdout, stderr and exit code.',
    parameters: object(
      {
        code: { type: 'string', description: 'The Python source to run.' },
        timeout_seconds: {
          type: 'integer',
          description: 'Seconds before the script is killed.',
          default: 30,
          minimum: 1,
          maximum: 600,
        },
      },
      ['code'],
    ),
  },
  {
    name: 'skill',
    description: 'List the stored skills, or read one skill (its instructions in markdown) by id.',
    parameters: object(
      {
        action: { type: 'string', enum: ['list', 'read'], description: 'List all skills or read one.' },
        id: { type: 'string', description: 'Skill id (action `read`).' },
      },
      ['action'],
    ),
  },
  {
    name: 'memory_search',
    description: "Search this agent's long-term memory (stored notes and past session messages) by keywords.",
    parameters: object(
      {
        query: { type: 'string', description: 'Keywords or a phrase to look for.' },
        limit: { type: 'integer', description: 'Maximum results.', default: 5, minimum: 1, maximum: 50 },
      },
      ['query'],
    ),
  },
  {
    name: 'memory_store',
    description: "Save a note to this agent's long-term memory so later runs can find it with memory_search.",
    parameters: object(
      {
        content: { type: 'string', description: 'The text to remember.' },
        tags: { type: 'array', items: { type: 'string' }, description: 'Tags to file it under.' },
      },
      ['content'],
    ),
  },
  {
    name: 'telegram_send',
    description:
      'Send a Telegram message with the configured bot (secret TELEGRAM_BOT_TOKEN). Without chat_id it goes to ' +
      'the default chat (secret TELEGRAM_CHAT_ID).',
    parameters: object(
      {
        chat_id: { type: 'string', description: 'Target chat id (default: TELEGRAM_CHAT_ID).' },
        message: { type: 'string', description: 'Message text.' },
        parse_mode: { type: 'string', enum: ['Markdown', 'MarkdownV2', 'HTML'], description: 'Text formatting.' },
      },
      ['message'],
    ),
  },
  {
    name: 'spawn_agent',
    description:
      'Start a sub-agent on a task: a built-in one (researcher, coder, reviewer, writer, analyst) or one of the ' +
      "user's agents, by name. With `wait: false` it returns the sub-agent's id at once (collect the result with " +
      'wait_agents); with `wait: true` it returns its result. A sub-agent that fails or runs out of time comes back ' +
      'as a result saying so.',
    parameters: object(
      {
        agent: { type: 'string', description: 'Built-in sub-agent name, or the name or id of a stored agent.' },
        task: { type: 'string', description: 'What the sub-agent should do (its whole input: be specific).' },
        wait: { type: 'boolean', description: 'Wait for the result instead of returning the id.', default: false },
        timeout_secs: {
          type: 'integer',
          description: 'Seconds the sub-agent may run before it is stopped (default: the configured timeout).',
          minimum: 1,
          maximum: 86400,
        },
      },
      ['agent', 'task'],
    ),
  },
  {
    name: 'wait_agents',
    description:
      'Wait for sub-agents started with spawn_agent and return their results (status, output or error). Those ' +
      'still running after `timeout_secs` are reported as running and keep going.',
    parameters: object(
      {
        ids: {
          type: 'array',
          items: { type: 'string' },
          description: 'Sub-agent ids from spawn_agent (default: every sub-agent this run started).',
        },
        timeout_secs: {
          type: 'integer',
          description: 'Seconds to wait at most (default: the configured sub-agent timeout).',
          minimum: 1,
          maximum: 86400,
        },
      },
      [],
    ),
  },
  {
    name: 'list_agents',
    description:
      'List the agents spawn_agent can start (built-in sub-agents and stored agents, with what each is for) and ' +
      'the sub-agents this run has started, with their status.',
    parameters: object({}, []),
  },
] satisfies BuiltinToolDefinition[]);

export const TOOL_NAMES: readonly string[] = TOOL_CATALOGUE.map((t) => t.name);

/** Short names agents' allow-lists may use (docs/engine.md#allow-list). */
export const TOOL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  http: 'http_request',
  python: 'run_python',
  telegram: 'telegram_send',
});

/** The catalogue name for a tool name or alias; undefined when unknown. */
export function resolveToolName(name: string): string | undefined {
  const canonical = TOOL_ALIASES[name] ?? name;
  return TOOL_NAMES.includes(canonical) ? canonical : undefined;
}

export function findTool(name: string): BuiltinToolDefinition | undefined {
  const canonical = resolveToolName(name);
  return canonical ? TOOL_CATALOGUE.find((t) => t.name === canonical) : undefined;
}
