// Native notifications for what happens while nobody looks: a background task failed or completed (per the
// desktop settings) and a command waits for approval. Clicking one opens the window where it can be handled.
import type { AppRouter } from '@restflow/api/client';
import type { TRPCClient } from '@trpc/client';
import { Notification } from 'electron';
import type { DesktopSettings } from './settings.ts';

export interface NotifierDeps {
  client: TRPCClient<AppRouter>;
  settings: DesktopSettings;
  /** Opens (or focuses) the console window at a route. */
  open(route: string): void;
}

export interface DesktopNotice {
  title: string;
  body: string;
  route: string;
}

const clip = (text: string, max = 180) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function show(notice: DesktopNotice, open: (route: string) => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: notice.title, body: notice.body });
  notification.on('click', () => open(notice.route));
  notification.show();
}

export function startNotifications(deps: NotifierDeps): { stop(): void } {
  const { client, settings, open } = deps;
  const names = new Map<string, string>();
  const taskName = async (taskId: string) => {
    const known = names.get(taskId);
    if (known) return known;
    try {
      const name = (await client.tasks.get.query({ id: taskId })).name;
      names.set(taskId, name);
      return name;
    } catch {
      return taskId.slice(0, 8);
    }
  };

  // Only new events (no lastEventId): the app reports what happens while it runs, not the history. The pipe
  // link resumes with the last tracked id after a daemon restart, so nothing is reported twice.
  const tasks = client.tasks.onEvents.subscribe(undefined, {
    onData: ({ data: event }) => {
      const kind = event.kind;
      if (kind.type === 'started') names.set(event.task_id, kind.task_name);
      const failed = kind.type === 'failed' && settings.notify_on_task_failure;
      const completed = kind.type === 'completed' && settings.notify_on_task_completion;
      if (!failed && !completed) return;
      void taskName(event.task_id).then((name) =>
        show(
          {
            title: failed ? `Task failed: ${name}` : `Task completed: ${name}`,
            body: clip(
              kind.type === 'failed' ? kind.error : kind.type === 'completed' ? String(kind.result ?? '') : '',
            ),
            route: `/tasks?id=${event.task_id}&run=${event.run_id}`,
          },
          open,
        ),
      );
    },
  });

  const approvals = client.security.onApprovals.subscribe(undefined, {
    onData: (approval) => {
      // Live-only feed: a pending approval arriving here was just created.
      if (!settings.notify_on_approval || approval.status !== 'pending') return;
      show(
        {
          title: 'Approval needed',
          body: clip(`A command waits for your decision: ${approval.command}`),
          route: `/settings?approval=${approval.id}`,
        },
        open,
      );
    },
  });

  return {
    stop() {
      tasks.unsubscribe();
      approvals.unsubscribe();
    },
  };
}
