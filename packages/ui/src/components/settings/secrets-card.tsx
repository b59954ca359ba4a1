'use client';
import { setSecretInput } from '@restflow/api/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import { formatRelative } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { Card, Empty, ErrorNote, Field } from '../ui';

/** Keys and descriptions only: a value is typed once and never shown again (secrets.get is never called). */
export function SecretsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const secrets = useQuery(trpc.secrets.list.queryOptions());
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');
  const [savedKey, setSavedKey] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() });
  const set = useMutation(
    trpc.secrets.set.mutationOptions({
      onSuccess: async (_result, input) => {
        setSavedKey(input.key);
        setKey('');
        setValue('');
        setDescription('');
        await refresh();
      },
      // Whatever happens, the value does not stay in the form longer than needed.
      onError: () => setValue(''),
    }),
  );
  const remove = useMutation(trpc.secrets.delete.mutationOptions({ onSuccess: refresh }));

  const { fieldErrors, check } = useFieldErrors(set.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSavedKey(null);
    const secret = { key: key.trim(), value, description: description.trim() || null };
    if (check(setSecretInput, secret)) set.mutate(secret);
  };

  return (
    <Card title="Secrets">
      <ErrorNote error={secrets.error ?? remove.error} />
      {secrets.data?.length === 0 ? <Empty>No secrets stored.</Empty> : null}
      {secrets.data && secrets.data.length > 0 ? (
        <table data-testid="secret-list">
          <thead>
            <tr>
              <th>Key</th>
              <th>Description</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {secrets.data.map((secret) => (
              <tr key={secret.key}>
                <td className="mono">{secret.key}</td>
                <td>{secret.description ?? <span className="muted">—</span>}</td>
                <td className="muted">{formatRelative(secret.updated_at)}</td>
                <td>
                  <div className="actions">
                    <button type="button" className="small" onClick={() => setKey(secret.key)}>
                      Replace
                    </button>
                    <button
                      type="button"
                      className="small danger"
                      onClick={() =>
                        window.confirm(`Delete secret ${secret.key}?`) && remove.mutate({ key: secret.key })
                      }
                    >
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="grid" onSubmit={submit} aria-label="Set a secret" autoComplete="off">
        <Field label="Key" hint="A–Z, 0–9 and _, e.g. ANTHROPIC_API_KEY" error={fieldErrors.key}>
          <input value={key} onChange={(e) => setKey(e.target.value.toUpperCase())} required className="mono" />
        </Field>
        <Field label="Value" hint="Stored encrypted; never shown again" error={fieldErrors.value}>
          <input
            type="password"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            autoComplete="new-password"
          />
        </Field>
        <Field label="Description" error={fieldErrors.description}>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="field wide">
          <ErrorNote error={set.error} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={set.isPending}>
              Save secret
            </button>
            {savedKey ? <span className="success">Saved {savedKey}.</span> : null}
          </div>
        </div>
      </form>
    </Card>
  );
}
