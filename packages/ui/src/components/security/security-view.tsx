'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { formatRelative } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { ApprovalsCard } from '../settings/approvals-card';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader, type Tone } from '../ui';

type Policy = RouterOutputs['security']['policy']['get'];
type Action = Policy['default_action'];
type ListName = 'allowlist' | 'blocklist' | 'approvalRequired';

const ACTIONS: { value: Action; label: string; tone: Tone }[] = [
  { value: 'allow', label: 'Allow', tone: 'ok' },
  { value: 'require_approval', label: 'Ask for approval', tone: 'warn' },
  { value: 'block', label: 'Block', tone: 'bad' },
];
const actionLabel = (action: Action) => ACTIONS.find((a) => a.value === action)?.label ?? action;
const actionTone = (action: Action) => ACTIONS.find((a) => a.value === action)?.tone ?? 'plain';

const LISTS: {
  name: ListName;
  field: keyof Pick<Policy, 'allowlist' | 'blocklist' | 'approval_required'>;
  title: string;
  hint: string;
}[] = [
  { name: 'blocklist', field: 'blocklist', title: 'Blocked', hint: 'Never run, whatever else matches.' },
  {
    name: 'approvalRequired',
    field: 'approval_required',
    title: 'Needs approval',
    hint: 'Waits for Approve / Reject in the chat or below.',
  },
  { name: 'allowlist', field: 'allowlist', title: 'Allowed', hint: 'Runs without asking.' },
];

function PolicyCard({ policy }: { policy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<Action>(policy.default_action);
  const [timeout, setTimeoutSecs] = useState(String(policy.approval_timeout_secs));
  useEffect(() => {
    setAction(policy.default_action);
    setTimeoutSecs(String(policy.approval_timeout_secs));
  }, [policy.default_action, policy.approval_timeout_secs]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.security.pathKey() });
  const set = useMutation(trpc.security.policy.update.mutationOptions({ onSuccess: refresh }));
  const reset = useMutation(trpc.security.policy.reset.mutationOptions({ onSuccess: refresh }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate({ default_action: action, approval_timeout_secs: Number(timeout) });
  };
  return (
    <Card title="Policy">
      <form className="grid" onSubmit={submit} aria-label="Security policy">
        <Field label="Commands no rule matches" hint="What an agent’s bash command gets by default">
          <select value={action} onChange={(e) => setAction(e.target.value as Action)}>
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Approval timeout (s)" hint="An unanswered approval is then rejected">
          <input type="number" min={1} value={timeout} onChange={(e) => setTimeoutSecs(e.target.value)} required />
        </Field>
        <div className="field wide">
          <ErrorNote error={set.error ?? reset.error} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={set.isPending}>
              Save policy
            </button>
            <button
              type="button"
              onClick={() => window.confirm('Reset the whole policy to the built-in defaults?') && reset.mutate()}
            >
              Reset to defaults
            </button>
            {set.isSuccess ? <span className="success">Saved.</span> : null}
          </div>
        </div>
      </form>
    </Card>
  );
}

function PatternList({ list, policy }: { list: (typeof LISTS)[number]; policy: Policy }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pattern, setPattern] = useState('');
  const [description, setDescription] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.security.pathKey() });
  const router = trpc.security[list.name];
  const add = useMutation(
    router.add.mutationOptions({
      onSuccess: async () => {
        setPattern('');
        setDescription('');
        await refresh();
      },
    }),
  );
  const remove = useMutation(router.remove.mutationOptions({ onSuccess: refresh }));
  const patterns = policy[list.field];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ pattern, ...(description.trim() ? { description: description.trim() } : {}) });
  };
  return (
    <Card title={`${list.title} (${patterns.length})`}>
      <div className="hint">
        {list.hint} Patterns match the whole command; <code>*</code> matches any text (<code>ls *</code> also matches
        bare <code>ls</code>).
      </div>
      <div className="pattern-list" data-testid={`patterns-${list.field}`}>
        {patterns.length === 0 ? <Empty>No patterns.</Empty> : null}
        {patterns.map((p, index) => (
          // Patterns are unique within a list (adding one twice is refused).
          <div className="pattern" key={p.pattern}>
            <code>{p.pattern}</code>
            <span className="muted grow">{p.description}</span>
            <button
              type="button"
              className="small danger"
              aria-label={`Remove ${p.pattern}`}
              onClick={() => remove.mutate({ index })}
              disabled={remove.isPending}
            >
              Remove
            </button>
          </div>
        ))}
      </div>
      <form className="form-actions wrap" onSubmit={submit} aria-label={`Add to ${list.title}`}>
        <input
          aria-label="Pattern"
          className="mono"
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder="git push *"
          required
          style={{ maxWidth: 260 }}
        />
        <input
          aria-label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="why (optional)"
          style={{ maxWidth: 260 }}
        />
        <button type="submit" disabled={add.isPending}>
          Add
        </button>
      </form>
      <ErrorNote error={add.error ?? remove.error} />
    </Card>
  );
}

/** What the policy would decide for a command, without running or recording anything. */
function CheckCommand() {
  const trpc = useTRPC();
  const [command, setCommand] = useState('');
  const [checked, setChecked] = useState<string | null>(null);
  const result = useQuery(trpc.security.check.queryOptions(checked ? { command: checked } : skipToken));
  return (
    <Card title="Try a command">
      <form
        className="form-actions wrap"
        aria-label="Check a command"
        onSubmit={(event) => {
          event.preventDefault();
          setChecked(command.trim() || null);
        }}
      >
        <input
          aria-label="Command"
          className="mono grow"
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          placeholder="rm -rf build && npm test"
        />
        <button type="submit">Check</button>
      </form>
      <ErrorNote error={result.error} />
      {result.data ? (
        <div data-testid="check-result" className="meta" style={{ fontSize: 13 }}>
          <Badge tone={actionTone(result.data.action)}>{actionLabel(result.data.action)}</Badge>
          <span>{result.data.reason}</span>
        </div>
      ) : null}
    </Card>
  );
}

function RecentApprovals() {
  const trpc = useTRPC();
  const approvals = useQuery(trpc.security.approvals.list.queryOptions());
  const decided = approvals.data?.filter((a) => a.status !== 'pending').slice(0, 20) ?? [];
  return (
    <Card title="Recent decisions">
      <ErrorNote error={approvals.error} />
      {approvals.data && decided.length === 0 ? <Empty>No decided approvals yet.</Empty> : null}
      {decided.map((approval) => (
        <div className="pattern" key={approval.id}>
          <code className="grow">{approval.command}</code>
          <Badge tone={approval.status === 'approved' ? 'ok' : approval.status === 'rejected' ? 'bad' : 'plain'}>
            {approval.status}
          </Badge>
          <span className="muted">
            {formatRelative(approval.created_at < 1e12 ? approval.created_at * 1000 : approval.created_at)}
          </span>
        </div>
      ))}
    </Card>
  );
}

/** Where agent tools run: the sandbox the daemon found, or plainly that there is none (docs/security.md). */
function SandboxCard() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  if (!info.data) return <ErrorNote error={info.error} />;
  const { tools_sandbox: kind, tools_sandbox_warning: warning } = info.data;
  return (
    <Card title="Tool sandbox">
      <div data-testid="tool-sandbox">
        {kind === 'none' ? (
          <p role="status">
            <Badge tone="bad">unsandboxed</Badge> Agent tools (bash, run_python) run without a sandbox: only the command
            policy stands between them and your files. {warning}
          </p>
        ) : (
          <p>
            <Badge tone="ok">{kind}</Badge> Agent tools (bash, run_python) run confined: the workspace read-write, the
            system read-only, RestFlow's data and your credential folders hidden.
            {warning ? ` ${warning}` : ''}
          </p>
        )}
      </div>
    </Card>
  );
}

export function SecurityView() {
  const trpc = useTRPC();
  const policy = useQuery(trpc.security.policy.get.queryOptions());
  return (
    <div className="page">
      <PageHeader title="Security" />
      <ErrorNote error={policy.error} />
      <SandboxCard />
      <ApprovalsCard />
      {policy.data ? (
        <>
          <PolicyCard policy={policy.data} />
          {LISTS.map((list) => (
            <PatternList key={list.name} list={list} policy={policy.data} />
          ))}
        </>
      ) : null}
      <CheckCommand />
      <RecentApprovals />
    </div>
  );
}
