'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { shortId } from '../../lib/format';
import { type RouterOutputs, useTRPC, useTRPCClient } from '../../lib/trpc';
import { Badge, Empty, type Tone } from '../ui';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;
export type TaskStreamEvent = StreamItem<RouterOutputs['tasks']['onEvents']>['data'];

const MAX_EVENTS = 200;

const KIND_TONES: Partial<Record<TaskStreamEvent['kind']['type'], Tone>> = {
  started: 'accent',
  completed: 'ok',
  failed: 'bad',
  cancelled: 'warn',
  notification_failed: 'bad',
};

function describe(kind: TaskStreamEvent['kind']): string {
  switch (kind.type) {
    case 'started':
      return `${kind.trigger} run (${kind.execution_mode})`;
    case 'output':
      return kind.text;
    case 'progress':
      return `${kind.phase}${kind.percent !== undefined ? ` ${kind.percent}%` : ''}`;
    case 'completed':
      return kind.result;
    case 'failed':
      return kind.error;
    case 'cancelled':
      return kind.reason;
    case 'notification_sent':
      return `${kind.channel}: ${kind.message}`;
    case 'notification_failed':
      return `${kind.channel}: ${kind.error}`;
  }
}

/** Every task's events from now on (tasks.onEvents, resumed after reconnects), newest first. */
export function TaskFeed({ taskNames }: { taskNames: Map<string, string> }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [events, setEvents] = useState<TaskStreamEvent[]>([]);

  useEffect(() => {
    const subscription = client.tasks.onEvents.subscribe(undefined, {
      onData: ({ data }) => {
        setEvents((current) =>
          current.some((e) => e.id === data.id) ? current : [data, ...current].slice(0, MAX_EVENTS),
        );
        // Status, counts and next run change when a run starts or ends.
        if (data.kind.type !== 'output' && data.kind.type !== 'progress') {
          void queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
        }
      },
    });
    return () => subscription.unsubscribe();
  }, [client, queryClient, trpc]);

  if (events.length === 0) return <Empty>Waiting for task runs… (events appear here as they happen)</Empty>;
  return (
    <div className="feed" data-testid="task-feed">
      {events.map((event) => (
        <div className="feed-item" key={event.id}>
          <span className="muted">{new Date(event.timestamp).toLocaleTimeString()}</span>
          <span>{taskNames.get(event.task_id) ?? shortId(event.task_id)}</span>
          <span>
            <Badge tone={KIND_TONES[event.kind.type] ?? 'plain'}>{event.kind.type}</Badge>
          </span>
          <span className="mono" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {describe(event.kind)}
          </span>
        </div>
      ))}
    </div>
  );
}
