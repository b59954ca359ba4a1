'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { formatDateTime, plural, shortId } from '../../lib/format';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../../lib/trpc';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../ui';

type SearchMode = NonNullable<RouterInputs['memory']['search']['search_mode']>;
type MemorySource = RouterOutputs['memory']['search']['chunks'][number]['source'];

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

function AddNote({ agentId }: { agentId: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [content, setContent] = useState('');
  const [tags, setTags] = useState('');
  const add = useMutation(
    trpc.memory.create.mutationOptions({
      onSuccess: async () => {
        setContent('');
        setTags('');
        await queryClient.invalidateQueries({ queryKey: trpc.memory.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    add.mutate({ agent_id: agentId, content, tags: tagList, source: { type: 'manual_note' } });
  };
  return (
    <form className="grid" onSubmit={submit} aria-label="Add a note">
      <Field label="Note" wide>
        <textarea value={content} onChange={(e) => setContent(e.target.value)} rows={3} required />
      </Field>
      <Field label="Tags" hint="Comma-separated">
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </Field>
      <div className="field wide">
        <ErrorNote error={add.error} />
        <div className="form-actions">
          <button type="submit" disabled={add.isPending}>
            Add to memory
          </button>
          {add.isSuccess ? <span className="success">Stored.</span> : null}
        </div>
      </div>
    </form>
  );
}

export function MemoryView() {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('keyword');
  const [agentId, setAgentId] = useState('');
  const [submitted, setSubmitted] = useState<RouterInputs['memory']['search'] | null>(null);
  const agent = agentId || undefined;
  const results = useQuery(trpc.memory.search.queryOptions(submitted ?? skipToken));
  const stats = useQuery(
    trpc.memory.stats.queryOptions({ agent_id: agent }, { enabled: Boolean(agents.data?.length) }),
  );
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted({ query: query.trim() || null, search_mode: mode, agent_id: agent, limit: 50 });
  };

  return (
    <div className="page">
      <PageHeader title="Memory" />
      <Card>
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
          <Field label="Agent" hint="Memory belongs to an agent; default: the first one">
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">Default agent</option>
              {agents.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          <div className="field wide">
            <div className="form-actions">
              <button type="submit" className="primary" disabled={!agents.data?.length}>
                Search
              </button>
            </div>
          </div>
        </form>
        {stats.data ? (
          <div className="meta">
            <span>{plural(stats.data.chunk_count, 'chunk')}</span>
            <span>{plural(stats.data.session_count, 'memory session')}</span>
            <span>{stats.data.total_tokens} tokens</span>
          </div>
        ) : null}
        {agents.data?.length === 0 ? <Empty>Memory belongs to agents: create an agent first.</Empty> : null}
      </Card>

      {submitted ? (
        <Card
          title={
            results.data ? `${results.data.total_count} result${results.data.total_count === 1 ? '' : 's'}` : 'Results'
          }
        >
          <ErrorNote error={results.error} />
          {results.isFetching && !results.data ? <Empty>Searching…</Empty> : null}
          {results.data?.chunks.length === 0 ? <Empty>Nothing matches.</Empty> : null}
          <div data-testid="memory-results">
            {results.data?.chunks.map((chunk) => (
              <div className="result" key={chunk.id}>
                <div className="content" style={{ whiteSpace: 'pre-wrap' }}>
                  {chunk.content}
                </div>
                <div className="meta">
                  <span>{formatDateTime(chunk.created_at)}</span>
                  <span>{agentNames.get(chunk.agent_id) ?? shortId(chunk.agent_id)}</span>
                  <span>{describeSource(chunk.source)}</span>
                  {chunk.tags.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                </div>
              </div>
            ))}
          </div>
          {results.data?.has_more ? <div className="hint">Showing the first 50; refine the search.</div> : null}
        </Card>
      ) : null}

      <Card title="Add a note">
        <AddNote agentId={agent} />
      </Card>
    </div>
  );
}
