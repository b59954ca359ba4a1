'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type FixableChatError, missingKeyName } from '../../lib/chat-errors';
import { useTRPC } from '../../lib/trpc';
import { Link } from '../../navigation';
import { ModelPicker } from '../agents/model-picker';
import { ErrorNote } from '../ui';

interface Props {
  kind: FixableChatError;
  error: unknown;
  agentId: string;
  /** Sends the message that failed again. */
  onRetry(): void;
}

const HEADLINES: Record<FixableChatError, string> = {
  no_model: 'This agent has no model yet.',
  model_retired: 'This agent’s model has been retired.',
  unknown_model: 'This agent’s model is not known.',
  no_api_key: 'No API key for this agent’s provider.',
};

/** A chat that cannot start because of the agent's set-up, fixed right here: pick a model, or store the key. */
export function FixAgent({ kind, error, agentId, onRetry }: Props) {
  return (
    <div className="fix" data-testid="fix-agent" role="alert">
      <strong>{HEADLINES[kind]}</strong>
      {kind === 'no_api_key' ? (
        <KeyFix error={error} onRetry={onRetry} />
      ) : (
        <ModelFix agentId={agentId} onRetry={onRetry} />
      )}
    </div>
  );
}

function ModelFix({ agentId, onRetry }: { agentId: string; onRetry(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const agent = useQuery(trpc.agents.get.queryOptions({ id: agentId }));
  const [model, setModel] = useState('');
  const update = useMutation(
    trpc.agents.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
        onRetry();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (agent.data && model) update.mutate({ id: agentId, agent: { ...agent.data.agent, model } });
  };
  return (
    <form className="form-actions wrap" onSubmit={submit} aria-label="Pick a model">
      <span>Pick the model {agent.data ? `“${agent.data.name}”` : 'it'} should use:</span>
      <span className="grow">
        <ModelPicker value={model} onChange={setModel} />
      </span>
      <button type="submit" className="primary" disabled={!model || !agent.data || update.isPending}>
        Save and send again
      </button>
      <ErrorNote error={agent.error ?? update.error} />
    </form>
  );
}

function KeyFix({ error, onRetry }: { error: unknown; onRetry(): void }) {
  const trpc = useTRPC();
  const [key, setKey] = useState(() => missingKeyName(error) ?? 'OPENAI_API_KEY');
  const [value, setValue] = useState('');
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: () => {
        setValue('');
        onRetry();
      },
      onError: () => setValue(''),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate({ key, value, description: 'set from the chat' });
  };
  return (
    <form className="form-actions wrap" onSubmit={submit} aria-label="Store the API key" autoComplete="off">
      <span>Store it as a secret (used at once, never shown again):</span>
      <input
        aria-label="Secret name"
        className="mono"
        value={key}
        onChange={(e) => setKey(e.target.value.toUpperCase())}
        style={{ maxWidth: 220 }}
      />
      <input
        aria-label="API key"
        type="password"
        autoComplete="new-password"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        style={{ maxWidth: 260 }}
        required
      />
      <button type="submit" className="primary" disabled={!value || set.isPending}>
        Save and send again
      </button>
      <span className="hint">
        Or add an <Link href="/auth-profiles">auth profile</Link>.
      </span>
      <ErrorNote error={set.error} />
    </form>
  );
}
