'use client';
// The external MCP servers agents may use: add one (a stdio command, or a Streamable HTTP URL with headers),
// test it (connects, starting a stdio server, and lists its tools) and remove it. Header values are typed once
// and never shown again: the list has their names only.
import { createMcpServerInput } from '@restflow/api/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import { formatRelative } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../ui';

type Transport = 'stdio' | 'http';

/** `a "b c" d` → ['a', 'b c', 'd']: enough shell-like splitting for a command line typed in a form. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** `Name: value` lines → headers (blank lines ignored). */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function McpServersView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const servers = useQuery(trpc.mcp.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.mcp.list.queryKey() });
  const [name, setName] = useState('');
  const [transport, setTransport] = useState<Transport>('stdio');
  const [commandLine, setCommandLine] = useState('');
  const [url, setUrl] = useState('');
  const [headerText, setHeaderText] = useState('');
  const create = useMutation(
    trpc.mcp.create.mutationOptions({
      onSuccess: async () => {
        setName('');
        setCommandLine('');
        setUrl('');
        setHeaderText('');
        await refresh();
      },
      // Header values (tokens) do not stay in the form after a failed attempt either.
      onError: () => setHeaderText(''),
    }),
  );
  const remove = useMutation(trpc.mcp.delete.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.mcp.test.mutationOptions());

  const { fieldErrors, check } = useFieldErrors(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const [command, ...args] = splitCommandLine(commandLine);
    const headers = parseHeaderLines(headerText);
    const input =
      transport === 'stdio'
        ? { name: name.trim(), command, args }
        : { name: name.trim(), url: url.trim(), ...(Object.keys(headers).length > 0 ? { headers } : {}) };
    if (check(createMcpServerInput, input)) create.mutate(input);
  };

  return (
    <div className="page">
      <PageHeader title="MCP servers" />
      <Card title="Servers">
        <p className="muted">
          Agents use a server's tools when their tool list names them: <code>mcp:NAME:TOOL</code>, or{' '}
          <code>mcp:NAME:*</code> for all of them.
        </p>
        <ErrorNote error={servers.error ?? remove.error} />
        {servers.data?.length === 0 ? <Empty>No MCP servers yet.</Empty> : null}
        {servers.data && servers.data.length > 0 ? (
          <table data-testid="mcp-server-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Transport</th>
                <th>Server</th>
                <th>Headers</th>
                <th>Added</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {servers.data.map((server) => (
                <tr key={server.id}>
                  <td className="mono">{server.name}</td>
                  <td>
                    <Badge>{server.transport}</Badge>
                  </td>
                  <td className="mono">{server.url ?? [server.command, ...server.args].join(' ')}</td>
                  <td>{server.header_names.join(', ') || <span className="muted">—</span>}</td>
                  <td className="muted">{formatRelative(server.created_at)}</td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="small"
                        disabled={test.isPending}
                        onClick={() => test.mutate({ id: server.id })}
                      >
                        Test
                      </button>
                      <button
                        type="button"
                        className="small danger"
                        onClick={() =>
                          window.confirm(`Remove MCP server ${server.name}?`) && remove.mutate({ id: server.id })
                        }
                      >
                        Remove
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>

      {test.isPending ? <p className="muted">Connecting…</p> : null}
      <ErrorNote error={test.error} />
      {test.data ? (
        <Card title={`Tools of ${test.data.server.name}`}>
          <div data-testid="mcp-tools">
            {test.data.tools.length === 0 ? <Empty>The server has no tools.</Empty> : null}
            <ul>
              {test.data.tools.map((tool) => (
                <li key={tool.name}>
                  <code>
                    mcp:{test.data.server.name}:{tool.name}
                  </code>{' '}
                  {tool.description ? <span className="muted">— {tool.description}</span> : null}
                </li>
              ))}
            </ul>
          </div>
        </Card>
      ) : null}

      <Card title="Add a server">
        <form className="grid" onSubmit={submit} aria-label="Add an MCP server" autoComplete="off">
          <Field label="Name" hint="Letters, digits, _ and -" error={fieldErrors.name}>
            <input value={name} onChange={(e) => setName(e.target.value)} required className="mono" />
          </Field>
          <Field label="Transport">
            <select value={transport} onChange={(e) => setTransport(e.target.value as Transport)}>
              <option value="stdio">stdio (a command the daemon starts)</option>
              <option value="http">Streamable HTTP (a URL)</option>
            </select>
          </Field>
          {transport === 'stdio' ? (
            <Field label="Command" hint="The program and its arguments" wide error={fieldErrors.command}>
              <input
                value={commandLine}
                onChange={(e) => setCommandLine(e.target.value)}
                required
                className="mono"
                placeholder="npx -y @modelcontextprotocol/server-everything"
              />
            </Field>
          ) : (
            <>
              <Field label="URL" wide error={fieldErrors.url}>
                <input value={url} onChange={(e) => setUrl(e.target.value)} required className="mono" />
              </Field>
              <Field
                label="Headers"
                hint="One `Name: value` per line; stored encrypted, never shown again"
                wide
                error={fieldErrors.headers}
              >
                <textarea value={headerText} onChange={(e) => setHeaderText(e.target.value)} rows={3} />
              </Field>
            </>
          )}
          <div className="field wide">
            <ErrorNote error={create.error} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={create.isPending}>
                Add server
              </button>
            </div>
          </div>
        </form>
      </Card>
    </div>
  );
}
