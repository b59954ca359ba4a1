import type { RouterOutputs } from '@restflow/api/client';
import { daemonLeaf, group, listOption, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { formatTime, type Output, shortId } from '../output.ts';

type Agent = RouterOutputs['agents']['get'];

function showAgent(out: Output, agent: Agent): void {
  out.record(
    [
      ['ID', agent.id],
      ['Name', agent.name],
      ['Model', agent.agent.model],
      ['Temperature', agent.agent.temperature],
      ['Tools', agent.agent.tools],
      ['Skills', agent.agent.skills],
      ['API key', agent.agent.api_key_config ? `${agent.agent.api_key_config.type} (hidden)` : undefined],
      ['Created', formatTime(agent.created_at)],
      ['Updated', formatTime(agent.updated_at)],
      ['Prompt', agent.agent.prompt],
    ],
    agent,
  );
}

const list = daemonLeaf('list', 'List agents', noArgs, async (client, _args, out) => {
  const agents = await client.agents.list.query();
  out.table(agents, [
    { header: 'ID', value: (a) => shortId(a.id) },
    { header: 'Name', value: (a) => a.name },
    { header: 'Model', value: (a) => a.agent.model },
    { header: 'Updated', value: (a) => formatTime(a.updated_at) },
  ]);
});

const show = daemonLeaf(
  'show <id>',
  'Show one agent (id or unique prefix)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => showAgent(out, await client.agents.get.query({ id: args.id })),
);

const nodeOptions = {
  model: {
    alias: 'm',
    type: 'string',
    describe: 'Model id or alias (e.g. sonnet, opus, haiku, gpt, gpt-5.4; see restflow models)',
  },
  prompt: { alias: 'p', type: 'string', describe: 'System prompt' },
  temperature: { type: 'number', describe: 'Sampling temperature (models that support it)' },
  tools: { type: 'string', describe: 'Comma-separated tool allow-list ("" = no tools)' },
  skills: { type: 'string', describe: 'Comma-separated skill ids to inject' },
} as const;

const create = daemonLeaf(
  'create',
  'Create an agent',
  (y) =>
    y.option('name', { alias: 'n', type: 'string', demandOption: true, describe: 'Agent name' }).options(nodeOptions),
  async (client, args, out) => {
    const agent = await client.agents.create.mutate({
      name: args.name,
      agent: {
        model: args.model,
        prompt: args.prompt,
        temperature: args.temperature,
        tools: listOption(args.tools),
        skills: listOption(args.skills),
      },
    });
    out.result(`Agent created: ${agent.name} (${agent.id})`, agent);
  },
);

const update = daemonLeaf(
  'update <id>',
  'Update an agent (only the given fields change)',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('name', { alias: 'n', type: 'string', describe: 'New name' })
      .options(nodeOptions),
  async (client, args, out) => {
    const current = await client.agents.get.query({ id: args.id });
    const node = { ...current.agent };
    if (args.model !== undefined) node.model = args.model;
    if (args.prompt !== undefined) node.prompt = args.prompt;
    if (args.temperature !== undefined) node.temperature = args.temperature;
    if (args.tools !== undefined) node.tools = listOption(args.tools);
    if (args.skills !== undefined) node.skills = listOption(args.skills);
    const agent = await client.agents.update.mutate({ id: current.id, name: args.name, agent: node });
    out.result(`Agent updated: ${agent.name} (${agent.id})`, agent);
  },
);

const remove = daemonLeaf(
  ['delete <id>', 'rm <id>'],
  'Delete an agent',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.agents.delete.mutate({ id: args.id });
    out.result(`Agent deleted: ${result.id}`, result);
  },
);

// Text mode streams the run (tokens as they arrive, tool calls, Ctrl-C cancels the run, not the daemon); JSON mode
// prints the AgentExecuteResponse of the awaited run, a stable wire shape.
const exec = daemonLeaf(
  'exec <id>',
  'Run an agent on one input for scripts: streams like `restflow run`; with --format json it waits and prints ' +
    'the whole execution (response, steps, tokens). Kept in no chat session unless --session',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('input', { alias: 'i', type: 'string', describe: 'The input (default: stdin)' })
      .option('session', { alias: 's', type: 'string', describe: 'Record the turn in this chat session' }),
  async (client, args, out) => {
    // Loaded here: the run renderer (and the run model under it) is for exec only, not for every agent command.
    const { exitCodeOf, inputOrStdin, watchRun } = await import('./run-stream.ts');
    const input = await inputOrStdin(args.input);
    if (!input) throw new CliError('no input: pass -i TEXT or pipe it on stdin', 2);
    const request = { id: args.id, input, session_id: args.session };
    if (out.json) {
      out.printJson(await client.agents.execute.mutate(request));
      return;
    }
    const started = Date.now();
    const { run_id } = await client.agents.run.mutate(request);
    const result = await watchRun(client, run_id, out);
    out.notice(`Duration: ${result.duration_ms ?? Date.now() - started} ms`);
    process.exitCode = exitCodeOf(result);
  },
);

export const agentCommand = group('agent', 'Manage agents', [list, show, create, update, remove, exec]);
