'use client';
import { useQuery } from '@tanstack/react-query';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';

export interface ModelOption {
  model: string;
  provider: string;
  name: string;
  supports_temperature: boolean;
  /** The provider has a key (or endpoint), so an agent on this model can run. */
  configured: boolean;
}

/** `models.list` as one list: configured providers first, as the daemon orders them; retired models left out. */
function toOptions(lists: RouterOutputs['models']['list']): ModelOption[] {
  return lists.flatMap((list) =>
    list.models
      .filter((m) => m.lifecycle?.status !== 'retired')
      .map((m) => ({
        model: m.id,
        provider: list.provider,
        name: m.name,
        supports_temperature: m.supports_temperature,
        configured: list.configured,
      })),
  );
}

/** The models an agent can be given (catalogue, or the providers' live lists where the daemon has them). */
export function useModels(staleTime = 60_000) {
  const trpc = useTRPC();
  return useQuery(trpc.models.list.queryOptions(undefined, { staleTime, select: toOptions }));
}

interface Props {
  id?: string;
  value: string;
  onChange(model: string): void;
  /** Offer "keep empty" (the agent form; a chat fix always needs a model). */
  allowEmpty?: boolean;
}

/** A select of the available models, grouped by provider; the current value stays selectable even if unknown. */
export function ModelPicker({ id, value, onChange, allowEmpty }: Props) {
  const models = useModels();
  const byProvider = new Map<string, { model: string; name: string }[]>();
  for (const model of models.data ?? []) {
    const list = byProvider.get(model.provider) ?? [];
    list.push({ model: model.model, name: model.name });
    byProvider.set(model.provider, list);
  }
  const known = models.data?.some((m) => m.model === value) ?? false;
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-label="Model">
      {allowEmpty || !value ? <option value="">{allowEmpty ? '(none)' : 'Pick a model…'}</option> : null}
      {value && !known ? <option value={value}>{value}</option> : null}
      {[...byProvider].map(([provider, list]) => (
        <optgroup key={provider} label={provider}>
          {list.map((m) => (
            <option key={m.model} value={m.model}>
              {m.name} ({m.model})
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
