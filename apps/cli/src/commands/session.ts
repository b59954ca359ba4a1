import type { RestflowClient, RouterOutputs } from '@restflow/api/client';
import { daemonLeaf, group } from '../command.ts';
import { formatTime, type Output, preview, shortId } from '../output.ts';
import { type PageArgs, printPage, wantsPages, withPageOptions } from '../paging.ts';

const SESSION_PAGE = 50;

type Session = RouterOutputs['sessions']['get'];

/** Agent names by id, so tables can say "Default Assistant" rather than a uuid fragment. */
async function agentNames(client: RestflowClient): Promise<Map<string, string>> {
  return new Map((await client.agents.list.query()).map((a) => [a.id, a.name]));
}

const agentLabel = (names: Map<string, string>, id: string) => names.get(id) ?? shortId(id);

function showSession(out: Output, session: Session, names: Map<string, string>): void {
  out.record(
    [
      ['ID', session.id],
      ['Name', session.name],
      ['Agent', `${agentLabel(names, session.agent_id)} (${session.agent_id})`],
      ['Model', session.model],
      ['Skill', session.skill_id],
      ['Messages', session.metadata.message_count],
      ['Tokens', session.metadata.total_tokens],
      ['Created', formatTime(session.created_at)],
      ['Updated', formatTime(session.updated_at)],
    ],
    session,
  );
  if (out.json) return;
  for (const message of session.messages) {
    const tokens = message.execution?.tokens_used ? ` · ${message.execution.tokens_used} tokens` : '';
    out.line(`\n[${message.role}] ${formatTime(message.timestamp)}${tokens}`);
    out.line(message.content);
  }
}

const list = daemonLeaf<PageArgs>(
  'list',
  'List chat sessions (most recently updated first); --limit/--cursor read them a page at a time',
  (y) => withPageOptions(y, SESSION_PAGE),
  async (client, args, out) => {
    const limit = args.limit ?? SESSION_PAGE;
    const page = wantsPages(args)
      ? await client.sessions.page.query({ limit, cursor: args.cursor })
      : { items: await client.sessions.list.query(), next_cursor: null };
    const names = out.json ? new Map<string, string>() : await agentNames(client);
    printPage(
      out,
      page,
      [
        { header: 'ID', value: (s) => shortId(s.id) },
        { header: 'Name', value: (s) => s.name },
        { header: 'Agent', value: (s) => agentLabel(names, s.agent_id) },
        { header: 'Model', value: (s) => s.model },
        { header: 'Messages', value: (s) => s.message_count },
        { header: 'Updated', value: (s) => formatTime(s.updated_at) },
      ],
      args,
      limit,
    );
  },
);

const show = daemonLeaf(
  'show <id>',
  'Show a chat session and its messages (id or unique prefix)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const session = await client.sessions.get.query({ id: args.id });
    showSession(out, session, out.json ? new Map() : await agentNames(client));
  },
);

const create = daemonLeaf(
  'create',
  'Create a chat session',
  (y) =>
    y
      .option('agent', { alias: 'a', type: 'string', describe: 'Agent id or prefix (default: the first agent)' })
      .option('model', { alias: 'm', type: 'string', describe: 'Model id, or "default" for the agent\'s model' })
      .option('name', { alias: 'n', type: 'string', describe: 'Session name (default: from the first message)' })
      .option('skill', { type: 'string', describe: 'Skill id to attach' }),
  async (client, args, out) => {
    const session = await client.sessions.create.mutate({
      agent_id: args.agent,
      model: args.model,
      name: args.name,
      skill_id: args.skill,
    });
    out.result(`Session created: ${session.name} (${session.id})`, session);
  },
);

const remove = daemonLeaf(
  ['delete <id>', 'rm <id>'],
  'Delete a chat session and its messages',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.sessions.delete.mutate({ id: args.id });
    out.result(`Session deleted: ${result.id}`, result);
  },
);

const search = daemonLeaf<{ query: string; agent?: string } & PageArgs>(
  'search <query>',
  'Find sessions whose name or messages contain the text (case-insensitive); --limit/--cursor read a page at a time',
  (y) =>
    withPageOptions(
      y
        .positional('query', { type: 'string', demandOption: true })
        .option('agent', { alias: 'a', type: 'string', describe: 'Only sessions of this agent' }),
      SESSION_PAGE,
    ),
  async (client, args, out) => {
    const limit = args.limit ?? SESSION_PAGE;
    const page = wantsPages(args)
      ? await client.sessions.searchPage.query({ query: args.query, agent_id: args.agent, limit, cursor: args.cursor })
      : { items: await client.sessions.search.query({ query: args.query, agent_id: args.agent }), next_cursor: null };
    printPage(
      out,
      page,
      [
        { header: 'ID', value: (h) => shortId(h.id) },
        { header: 'Name', value: (h) => h.name },
        { header: 'Matches', value: (h) => h.match_count },
        { header: 'Preview', value: (h) => preview(h.match_preview, 70) },
        { header: 'Updated', value: (h) => formatTime(h.updated_at) },
      ],
      args,
      limit,
    );
  },
);

export const sessionCommand = group('session', 'Manage chat sessions', [list, show, create, remove, search]);
