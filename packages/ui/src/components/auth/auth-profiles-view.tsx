'use client';
import { createAuthInput } from '@restflow/api/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import { formatRelative } from '../../lib/format';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../../lib/trpc';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../ui';

type Profile = RouterOutputs['auth']['list'][number];
type AuthProvider = RouterInputs['auth']['create']['provider'];
type TestResult = RouterOutputs['auth']['test'];

const PROVIDERS: { value: AuthProvider; label: string }[] = [
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'openai', label: 'OpenAI' },
  { value: 'claude_code', label: 'Claude Code' },
  { value: 'openai_codex', label: 'OpenAI Codex' },
  { value: 'google', label: 'Google' },
  { value: 'other', label: 'Other' },
];

const toMs = (rfc3339: string | null) => (rfc3339 ? Date.parse(rfc3339) : null);

/** Stores a credential; the value is sent once and never shown (the list shows a masked hint only). */
function AddProfile() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [provider, setProvider] = useState<AuthProvider>('openai');
  const [key, setKey] = useState('');
  const [email, setEmail] = useState('');
  const add = useMutation(
    trpc.auth.create.mutationOptions({
      onSuccess: async () => {
        setName('');
        setKey('');
        setEmail('');
        await queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() });
      },
      onError: () => setKey(''),
    }),
  );
  const { fieldErrors, check } = useFieldErrors(add.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const profile = {
      name,
      provider,
      source: 'manual' as const,
      credential: { type: 'api_key' as const, key, ...(email.trim() ? { email: email.trim() } : {}) },
    };
    if (check(createAuthInput, profile)) add.mutate(profile);
  };
  return (
    <form className="grid" onSubmit={submit} aria-label="Add an auth profile" autoComplete="off">
      <Field label="Name" error={fieldErrors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="work key" />
      </Field>
      <Field label="Provider">
        <select value={provider} onChange={(e) => setProvider(e.target.value as AuthProvider)}>
          {PROVIDERS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="API key" hint="Stored encrypted; never shown again" error={fieldErrors['credential.key']}>
        <input
          type="password"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          autoComplete="new-password"
        />
      </Field>
      <Field label="Email" hint="Optional, to tell accounts apart" error={fieldErrors['credential.email']}>
        <input value={email} onChange={(e) => setEmail(e.target.value)} type="email" />
      </Field>
      <div className="field wide">
        <ErrorNote error={add.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={add.isPending}>
            Add profile
          </button>
          {add.isSuccess ? <span className="success">Added {add.data.name}.</span> : null}
        </div>
      </div>
    </form>
  );
}

function ProfileRow({ profile, onTested }: { profile: Profile; onTested(result: TestResult): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() });
  const test = useMutation(trpc.auth.test.mutationOptions({ onSuccess: onTested }));
  const enable = useMutation(trpc.auth.enable.mutationOptions({ onSuccess: refresh }));
  const disable = useMutation(trpc.auth.disable.mutationOptions({ onSuccess: refresh }));
  const use = useMutation(trpc.auth.use.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.auth.delete.mutationOptions({ onSuccess: refresh }));
  const error = test.error ?? enable.error ?? disable.error ?? use.error ?? remove.error;
  return (
    <tr data-testid="auth-profile" data-profile-id={profile.id}>
      <td>
        <strong>{profile.name}</strong>
        <div className="muted mono">{profile.id.slice(0, 8)}</div>
      </td>
      <td>
        <Badge>{profile.provider}</Badge> <span className="muted">{profile.source}</span>
      </td>
      <td className="mono">
        {profile.credential.hint ?? '…'}
        {profile.credential.email ? <div className="muted">{profile.credential.email}</div> : null}
      </td>
      <td>
        {profile.enabled ? (
          profile.available ? (
            <Badge tone="ok">available</Badge>
          ) : (
            <Badge tone="warn">{profile.health}</Badge>
          )
        ) : (
          <Badge tone="bad">disabled</Badge>
        )}
        <div className="muted">priority {profile.priority}</div>
      </td>
      <td className="muted">{profile.last_used_at ? formatRelative(toMs(profile.last_used_at)) : 'never used'}</td>
      <td>
        <div className="actions">
          <button type="button" className="small" onClick={() => test.mutate({ id: profile.id })}>
            Test
          </button>
          {profile.enabled ? (
            <button type="button" className="small" onClick={() => disable.mutate({ id: profile.id })}>
              Disable
            </button>
          ) : (
            <button type="button" className="small" onClick={() => enable.mutate({ id: profile.id })}>
              Enable
            </button>
          )}
          <button type="button" className="small" onClick={() => use.mutate({ id: profile.id })}>
            Use first
          </button>
          <button
            type="button"
            className="small danger"
            onClick={() =>
              window.confirm(`Delete auth profile "${profile.name}" and its stored credential?`) &&
              remove.mutate({ id: profile.id })
            }
          >
            Delete
          </button>
        </div>
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

export function AuthProfilesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const profiles = useQuery(trpc.auth.list.queryOptions());
  const [tested, setTested] = useState<TestResult | null>(null);
  const discover = useMutation(
    trpc.auth.discover.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.pathKey() }),
    }),
  );
  const testedName = profiles.data?.find((p) => p.id === tested?.id)?.name;
  return (
    <div className="page">
      <PageHeader title="Auth profiles">
        <button type="button" onClick={() => discover.mutate()} disabled={discover.isPending}>
          Discover keys
        </button>
      </PageHeader>
      <Card>
        <div className="hint">
          API keys and tokens the agents use, tried in priority order; a failing profile cools down and the next one is
          used. Values are stored encrypted and never shown here.
        </div>
        <ErrorNote error={profiles.error ?? discover.error} />
        {discover.data ? (
          <div className="success">
            Discovery: {discover.data.added} added, {discover.data.updated} updated, {discover.data.removed} removed.
          </div>
        ) : null}
        {tested ? (
          <div className={tested.ok ? 'success' : 'error'} data-testid="auth-test-result" role="status">
            {testedName ?? tested.id}: {tested.ok ? 'OK — ' : 'failed — '}
            {tested.message}
          </div>
        ) : null}
        {profiles.data?.length === 0 ? <Empty>No auth profiles. Add one below or discover keys.</Empty> : null}
        {profiles.data && profiles.data.length > 0 ? (
          <table data-testid="auth-list">
            <thead>
              <tr>
                <th>Profile</th>
                <th>Provider</th>
                <th>Credential</th>
                <th>State</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {profiles.data.map((profile) => (
                <ProfileRow key={profile.id} profile={profile} onTested={setTested} />
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
      <Card title="Add a profile">
        <AddProfile />
      </Card>
    </div>
  );
}
