'use client';
import { createChunkInput } from '@restflow/api/schemas';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import { formatDateTime, plural, shortId } from '../../lib/format';
import { type RouterInputs, type RouterOutputs, useTRPC, useTRPCClient } from '../../lib/trpc';
import { usePages } from '../../lib/use-pages';
import { ListEnd } from '../list-end';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../ui';

type SearchMode = NonNullable<RouterInputs['memory']['search']['search_mode']>;
type MemoryChunk = RouterOutputs['memory']['list'][number];
type MemorySource = MemoryChunk['source'];
type Agent = RouterOutputs['agents']['list'][number];

/** Chunks per page: the newest first; older ones load when the end of the list scrolls into view. */
const PAGE = 50;

const MODES: { value: SearchMode; label: string }[] = [
  { value: 'keyword', label: 'Keywords' },
  { value: 'phrase', label: 'Exact phrase' },
  { value: 'regex', label: 'Regular expression' },
];

function describeSource(source: MemorySource): string {
  switch (source.type) {
    case 'task_execution':
      return `task ${shortId(source.task_id)}`;
    case 'conversation':
      return `conversation ${shortId(source.session_id)}`;
    case 'agent_generated':
      return `agent (${source.tool_name})`;
    default:
      return 'note';
  }
}

function AgentSelect({
  agents,
  value,
  onChange,
  id,
}: {
  agents: Agent[] | undefined;
  value: string;
  onChange(id: string): void;
  id?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={!agents?.length}>
      {agents?.map((a) => (
        <option key={a.id} value={a.id}>
          {a.name}
        </option>
      ))}
    </select>
  );
}

/** One chunk with its facts, and a delete button that asks first. */
function ChunkItem({ chunk, agentName }: { chunk: MemoryChunk; agentName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.memory.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.memory.pathKey() }),
    }),
  );
  const confirmDelete = () => {
    const preview = chunk.content.length > 60 ? `${chunk.content.slice(0, 60)}…` : chunk.content;
    if (window.confirm(`Delete this memory of ${agentName}?\n\n${preview}`)) remove.mutate({ id: chunk.id });
  };
  return (
    <div className="result" data-testid="memory-chunk" data-chunk-id={chunk.id}>
      <div className="content" style={{ whiteSpace: 'pre-wrap' }}>
        {chunk.content}
      </div>
      <div className="meta">
        <span>{formatDateTime(chunk.created_at)}</span>
        <span>{agentName}</span>
        <span>{describeSource(chunk.source)}</span>
        {chunk.tags.map((tag) => (
          <Badge key={tag}>{tag}</Badge>
        ))}
        <button type="button" className="small danger" onClick={confirmDelete} disabled={remove.isPending}>
          Delete
        </button>
      </div>
      <ErrorNote error={remove.error} />
    </div>
  );
}

function AddNote({ agents, defaultAgentId }: { agents: Agent[] | undefined; defaultAgentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [agentId, setAgentId] = useState(defaultAgentId);
  const [content, setContent] = useState('');
  const [tags, setTags] = useState('');
  const [storedFor, setStoredFor] = useState<string | null>(null);
  // Follows the page's agent until the user picks another one here.
  useEffect(() => setAgentId(defaultAgentId), [defaultAgentId]);
  const add = useMutation(
    trpc.memory.create.mutationOptions({
      onSuccess: async (_chunk, input) => {
        setContent('');
        setTags('');
        setStoredFor(agents?.find((a) => a.id === input.agent_id)?.name ?? null);
        await queryClient.invalidateQueries({ queryKey: trpc.memory.pathKey() });
      },
    }),
  );
  const { fieldErrors, check } = useFieldErrors(add.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setStoredFor(null);
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const note = { agent_id: agentId, content, tags: tagList, source: { type: 'manual_note' as const } };
    if (check(createChunkInput, note)) add.mutate(note);
  };
  return (
    <form className="grid" onSubmit={submit} aria-label="Add a note">
      <Field label="Note" wide error={fieldErrors.content}>
        <textarea value={content} onChange={(e) => setContent(e.target.value)} rows={3} required />
      </Field>
      <Field label="Agent" hint="Whose memory the note goes to">
        <AgentSelect agents={agents} value={agentId} onChange={setAgentId} />
      </Field>
      <Field label="Tags" hint="Comma-separated" error={fieldErrors.tags ?? fieldErrors['tags.0']}>
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </Field>
      <div className="field wide">
        <ErrorNote error={add.error} />
        <div className="form-actions">
          <button type="submit" disabled={add.isPending || !agentId}>
            Add to memory
          </button>
          {storedFor ? <span className="success">Stored for {storedFor}.</span> : null}
        </div>
      </div>
    </form>
  );
}

export function MemoryView() {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const [picked, setPicked] = useState('');
  // The agent whose memory the page shows: the one picked, else the first one.
  const agentId = agents.data?.some((a) => a.id === picked) ? picked : (agents.data?.[0]?.id ?? '');
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('keyword');
  const [submitted, setSubmitted] = useState<RouterInputs['memory']['search'] | null>(null);
  const client = useTRPCClient();
  const chunks = usePages({
    queryKey: trpc.memory.page.queryKey({ agent_id: agentId, limit: PAGE }),
    read: (cursor) => client.memory.page.query({ agent_id: agentId, limit: PAGE, cursor }),
    enabled: agentId !== '',
  });
  const results = useQuery(trpc.memory.search.queryOptions(submitted ?? skipToken));
  const stats = useQuery(trpc.memory.stats.queryOptions(agentId ? { agent_id: agentId } : skipToken));
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);
  const nameOf = (id: string) => agentNames.get(id) ?? shortId(id);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted({ query: query.trim() || null, search_mode: mode, agent_id: agentId, limit: 50 });
  };
  const pickAgent = (id: string) => {
    setPicked(id);
    setSubmitted(null);
  };

  return (
    <div className="page">
      <PageHeader title="Memory">
        <label className="conn" htmlFor="memory-agent">
          <span className="muted">Agent</span>
          <span style={{ minWidth: 160 }}>
            <AgentSelect agents={agents.data} value={agentId} onChange={pickAgent} id="memory-agent" />
          </span>
        </label>
      </PageHeader>
      {agents.data?.length === 0 ? <Empty>Memory belongs to agents: create an agent first.</Empty> : null}

      <Card title="Search">
        <form className="grid" onSubmit={search} aria-label="Search memory">
          <Field label="Search" wide>
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="release notes" />
          </Field>
          <Field label="Mode">
            <select value={mode} onChange={(e) => setMode(e.target.value as SearchMode)}>
              {MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
          </Field>
          <div className="field">
            <span>&nbsp;</span>
            <div className="form-actions">
              <button type="submit" className="primary" disabled={!agentId}>
                Search
              </button>
              {submitted ? (
                <button type="button" onClick={() => setSubmitted(null)}>
                  Clear
                </button>
              ) : null}
            </div>
          </div>
        </form>
      </Card>

      {submitted ? (
        <Card
          title={
            results.data
              ? `${results.data.total_estimated ? '~' : ''}${results.data.total_count}${results.data.total_capped ? '+' : ''} result${results.data.total_count === 1 ? '' : 's'}`
              : 'Results'
          }
        >
          <ErrorNote error={results.error} />
          {results.isFetching && !results.data ? <Empty>Searching…</Empty> : null}
          {results.data?.chunks.length === 0 ? <Empty>Nothing matches.</Empty> : null}
          <div data-testid="memory-results">
            {results.data?.chunks.map((chunk) => (
              <ChunkItem key={chunk.id} chunk={chunk} agentName={nameOf(chunk.agent_id)} />
            ))}
          </div>
          {results.data?.has_more ? <div className="hint">Showing the first 50; refine the search.</div> : null}
        </Card>
      ) : null}

      <Card
        title={agentId ? `Memory of ${nameOf(agentId)}` : 'Memory'}
        actions={
          stats.data ? (
            <span className="meta">
              <span>{plural(stats.data.chunk_count, 'chunk')}</span>
              <span>{plural(stats.data.session_count, 'memory session')}</span>
              <span>{stats.data.total_tokens} tokens</span>
            </span>
          ) : null
        }
      >
        <ErrorNote error={chunks.error ?? stats.error} />
        {chunks.isSuccess && chunks.items.length === 0 ? (
          <Empty>No memories yet. Add a note below, or let the agent remember.</Empty>
        ) : null}
        <div data-testid="memory-chunks">
          {chunks.items.map((chunk) => (
            <ChunkItem key={chunk.id} chunk={chunk} agentName={nameOf(chunk.agent_id)} />
          ))}
        </div>
        <ListEnd pages={chunks} label="Older memories" />
      </Card>

      <Card title="Add a note">
        <AddNote agents={agents.data} defaultAgentId={agentId} />
      </Card>
    </div>
  );
}
