'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { Card, ErrorNote, Field } from '../ui';

type SystemConfig = RouterOutputs['config']['get'];
type ProviderSettings = RouterOutputs['config']['providers']['get'];

const CONFIG_FIELDS: { key: keyof SystemConfig; label: string; hint: string }[] = [
  { key: 'worker_count', label: 'Workers', hint: 'Task runs at the same time' },
  { key: 'task_timeout_seconds', label: 'Task timeout (s)', hint: 'A run is stopped after this' },
  { key: 'stall_timeout_seconds', label: 'Stall timeout (s)', hint: 'No output for this long = stalled' },
  { key: 'max_retries', label: 'Max retries', hint: 'Attempts of a failing run' },
  { key: 'subagent_max_parallel', label: 'Sub-agents at once', hint: 'Running sub-agents per parent run' },
  { key: 'subagent_timeout_seconds', label: 'Sub-agent timeout (s)', hint: 'A sub-agent is stopped after this' },
  { key: 'subagent_max_depth', label: 'Sub-agent depth', hint: 'Levels of sub-agents below a run' },
  { key: 'log_max_file_mb', label: 'Log file size (MB)', hint: 'The daemon log is rotated past this' },
  { key: 'log_keep_files', label: 'Old log files', hint: 'Rotated log files kept' },
  { key: 'log_max_age_days', label: 'Log age (days)', hint: 'Older rotated log files are removed' },
];

export function ConfigCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const config = useQuery(trpc.config.get.queryOptions());
  const [draft, setDraft] = useState<Record<keyof SystemConfig, string> | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (config.data) {
      setDraft(
        Object.fromEntries(CONFIG_FIELDS.map(({ key }) => [key, String(config.data[key])])) as Record<
          keyof SystemConfig,
          string
        >,
      );
    }
  }, [config.data]);
  const done = async () => {
    setSaved(true);
    await queryClient.invalidateQueries({ queryKey: trpc.config.get.queryKey() });
  };
  const set = useMutation(trpc.config.set.mutationOptions({ onSuccess: done }));
  const reset = useMutation(trpc.config.reset.mutationOptions({ onSuccess: done }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    setSaved(false);
    set.mutate({
      config: Object.fromEntries(CONFIG_FIELDS.map(({ key }) => [key, Number(draft[key])])) as unknown as SystemConfig,
    });
  };

  return (
    <Card title="System">
      <ErrorNote error={config.error} />
      {draft ? (
        <form className="grid" onSubmit={submit} aria-label="System configuration">
          {CONFIG_FIELDS.map(({ key, label, hint }) => (
            <Field key={key} label={label} hint={hint}>
              <input
                type="number"
                value={draft[key]}
                onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                required
              />
            </Field>
          ))}
          <div className="field wide">
            <ErrorNote error={set.error ?? reset.error} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={set.isPending}>
                Save
              </button>
              <button type="button" onClick={() => reset.mutate()} disabled={reset.isPending}>
                Reset to defaults
              </button>
              {saved ? <span className="success">Saved.</span> : null}
            </div>
          </div>
        </form>
      ) : null}
    </Card>
  );
}

const PROVIDERS: { key: 'openai' | 'anthropic' | 'deepseek' | 'openai_compatible'; label: string; env: string }[] = [
  { key: 'anthropic', label: 'Anthropic', env: 'ANTHROPIC_BASE_URL' },
  { key: 'openai', label: 'OpenAI', env: 'OPENAI_BASE_URL' },
  { key: 'deepseek', label: 'DeepSeek', env: 'DEEPSEEK_BASE_URL' },
  { key: 'openai_compatible', label: 'OpenAI-compatible', env: 'OPENAI_COMPATIBLE_BASE_URL' },
];

export function ProvidersCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const providers = useQuery(trpc.config.providers.get.queryOptions());
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (providers.data) {
      setDraft(Object.fromEntries(PROVIDERS.map(({ key }) => [key, providers.data[key]?.base_url ?? ''])));
    }
  }, [providers.data]);
  const set = useMutation(
    trpc.config.providers.set.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.config.providers.get.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !providers.data) return;
    setSaved(false);
    const next: ProviderSettings = { ...providers.data };
    for (const { key } of PROVIDERS) {
      const url = draft[key]?.trim();
      const { base_url: _old, ...rest } = next[key] ?? {};
      next[key] = url ? { ...rest, base_url: url } : rest;
    }
    set.mutate({ providers: next });
  };
  return (
    <Card title="Provider endpoints">
      <ErrorNote error={providers.error} />
      {draft ? (
        <form className="grid" onSubmit={submit} aria-label="Provider endpoints">
          {PROVIDERS.map(({ key, label, env }) => (
            <Field key={key} label={label} hint={`Empty: ${env} or the SDK default`}>
              <input
                value={draft[key] ?? ''}
                onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                placeholder="https://…"
              />
            </Field>
          ))}
          <div className="field wide">
            <ErrorNote error={set.error} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={set.isPending}>
                Save endpoints
              </button>
              {saved ? <span className="success">Saved.</span> : null}
            </div>
          </div>
        </form>
      ) : null}
    </Card>
  );
}
