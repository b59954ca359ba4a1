'use client';
import { createTaskInput } from '@restflow/api/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useFieldErrors } from '../../lib/field-errors';
import type { TaskSchedule } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { ErrorNote, Field } from '../ui';

type ScheduleKind = TaskSchedule['type'];

const UNIT_MS = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A datetime-local value one hour from now, in local time. */
function inAnHour(): string {
  const date = new Date(Date.now() + 3_600_000);
  date.setSeconds(0, 0);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function TaskForm({ onDone }: { onDone(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const [name, setName] = useState('');
  const [agentId, setAgentId] = useState('');
  const [input, setInput] = useState('');
  const [kind, setKind] = useState<ScheduleKind>('interval');
  const [every, setEvery] = useState('1');
  const [unit, setUnit] = useState<Unit>('h');
  const [cron, setCron] = useState('0 0 9 * * *');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [runAt, setRunAt] = useState(inAnHour);

  const create = useMutation(
    trpc.tasks.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
        onDone();
      },
    }),
  );

  const { fieldErrors, check } = useFieldErrors(create.error);

  const schedule = (): TaskSchedule => {
    if (kind === 'cron') return { type: 'cron', expression: cron, timezone: timezone.trim() || null };
    if (kind === 'once') return { type: 'once', run_at: new Date(runAt).getTime() };
    return { type: 'interval', interval_ms: Math.round(Number(every) * UNIT_MS[unit]), start_at: null };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const task = { name, agent_id: agentId || agents.data?.[0]?.id || '', input: input || null, schedule: schedule() };
    if (check(createTaskInput, task)) create.mutate(task);
  };

  return (
    <form className="grid" onSubmit={submit} aria-label="New task">
      <Field label="Name" error={fieldErrors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="morning digest" />
      </Field>
      <Field label="Agent" error={fieldErrors.agent_id}>
        <select value={agentId || agents.data?.[0]?.id || ''} onChange={(e) => setAgentId(e.target.value)}>
          {agents.data?.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Schedule">
        <select value={kind} onChange={(e) => setKind(e.target.value as ScheduleKind)}>
          <option value="interval">Every …</option>
          <option value="cron">Cron expression</option>
          <option value="once">Once</option>
        </select>
      </Field>
      {kind === 'interval' ? (
        <>
          <Field label="Every" error={fieldErrors['schedule.interval_ms']}>
            <input value={every} onChange={(e) => setEvery(e.target.value)} inputMode="decimal" required />
          </Field>
          <Field label="Unit">
            <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)}>
              <option value="s">seconds</option>
              <option value="min">minutes</option>
              <option value="h">hours</option>
              <option value="d">days</option>
            </select>
          </Field>
        </>
      ) : null}
      {kind === 'cron' ? (
        <>
          <Field
            label="Cron"
            hint="Seconds first: sec min hour day month weekday"
            error={fieldErrors['schedule.expression']}
          >
            <input value={cron} onChange={(e) => setCron(e.target.value)} className="mono" />
          </Field>
          <Field label="Time zone" hint="IANA name; empty for the daemon's" error={fieldErrors['schedule.timezone']}>
            <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          </Field>
        </>
      ) : null}
      {kind === 'once' ? (
        <Field label="Run at" error={fieldErrors['schedule.run_at']}>
          <input type="datetime-local" value={runAt} onChange={(e) => setRunAt(e.target.value)} required />
        </Field>
      ) : null}
      <Field label="Input" wide hint="What the agent is asked on every run" error={fieldErrors.input}>
        <textarea value={input} onChange={(e) => setInput(e.target.value)} rows={3} />
      </Field>
      <div className="field wide">
        <ErrorNote error={create.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending || !agents.data?.length}>
            Create task
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
          {agents.data?.length === 0 ? <span className="hint">Create an agent first.</span> : null}
        </div>
      </div>
    </form>
  );
}
