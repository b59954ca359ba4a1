'use client';
import { createAgentInput, updateAgentInput } from '@restflow/api/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { ErrorNote, Field } from '../ui';
import { useModels } from './model-picker';

export type Agent = RouterOutputs['agents']['list'][number];

interface Props {
  /** Absent: a new agent. */
  agent?: Agent;
  onDone(agent: Agent | null): void;
}

export function AgentForm({ agent, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useModels(Number.POSITIVE_INFINITY);
  const tools = useQuery(trpc.system.tools.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }));
  const [name, setName] = useState(agent?.name ?? '');
  const [model, setModel] = useState(agent?.agent.model ?? '');
  const [prompt, setPrompt] = useState(agent?.agent.prompt ?? '');
  const [temperature, setTemperature] = useState(agent?.agent.temperature?.toString() ?? '');
  const [selectedTools, setSelectedTools] = useState<string[]>(agent?.agent.tools ?? []);

  const saved = async (result: Agent) => {
    await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
    onDone(result);
  };
  const create = useMutation(trpc.agents.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.agents.update.mutationOptions({ onSuccess: saved }));
  const pending = create.isPending || update.isPending;

  const { fieldErrors, check } = useFieldErrors(create.error ?? update.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Fields this form does not edit (skills, key config, …) are kept as they are.
    const node = {
      ...agent?.agent,
      model: model.trim() || undefined,
      prompt: prompt || undefined,
      tools: selectedTools,
      temperature: temperature.trim() === '' ? undefined : Number(temperature),
    };
    const input = agent ? { id: agent.id, name, agent: node } : { name, agent: node };
    if (!check(agent ? updateAgentInput : createAgentInput, input)) return;
    if (agent) update.mutate({ id: agent.id, name, agent: node });
    else create.mutate({ name, agent: node });
  };

  const toggleTool = (tool: string, on: boolean) =>
    setSelectedTools((current) => (on ? [...current, tool] : current.filter((t) => t !== tool)));

  return (
    <form className="grid" onSubmit={submit} aria-label={agent ? 'Edit agent' : 'New agent'}>
      <Field label="Name" error={fieldErrors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="writer" />
      </Field>
      <Field
        label="Model"
        error={fieldErrors['agent.model']}
        hint="A catalogue id or alias (sonnet, gpt-5), or openai-compatible:<model>"
      >
        <input value={model} onChange={(e) => setModel(e.target.value)} list="model-catalogue" placeholder="sonnet" />
      </Field>
      <datalist id="model-catalogue">
        {models.data?.map((m) => (
          <option key={m.model} value={m.model}>
            {m.name}
          </option>
        ))}
      </datalist>
      <Field label="Temperature" error={fieldErrors['agent.temperature']} hint="0–2, empty for the model's default">
        <input
          value={temperature}
          onChange={(e) => setTemperature(e.target.value)}
          inputMode="decimal"
          placeholder="default"
        />
      </Field>
      <Field label="System prompt" error={fieldErrors['agent.prompt']} wide>
        <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={5} placeholder="You are …" />
      </Field>
      <fieldset className="field wide" style={{ border: 'none', padding: 0, margin: 0 }}>
        <span>Tools</span>
        <div className="checks">
          {tools.data?.map((tool) => (
            <label key={tool.name} title={tool.description}>
              <input
                type="checkbox"
                checked={selectedTools.includes(tool.name)}
                onChange={(e) => toggleTool(tool.name, e.target.checked)}
              />
              {tool.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field wide">
        <ErrorNote error={create.error ?? update.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={pending}>
            {agent ? 'Save' : 'Create agent'}
          </button>
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
