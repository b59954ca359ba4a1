// Telegram notifications of finished task runs (docs/lifecycle.md#notifications): Bot API
// sendMessage with a Markdown message. The bot token is never logged nor put into an error message.
import type { AgentTask } from '../tasks/task-model.ts';

export const DEFAULT_TELEGRAM_API_BASE = 'https://api.telegram.org';
export const TELEGRAM_TOKEN_SECRET = 'TELEGRAM_BOT_TOKEN';
/** Callback data of the notification's "Run again" button: the prefix, then the task id (the daemon's bot answers it). */
export const RUN_AGAIN_CALLBACK_PREFIX = 'run:';
const INPUT_PREVIEW_CHARS = 100;
const OUTPUT_CHARS = 2000;
const SEND_TIMEOUT_MS = 10_000;

export interface RunSummary {
  success: boolean;
  /** The output of a successful run, or the error of a failed one. */
  text: string;
  durationMs: number;
  input: string | null;
}

/** Legacy Markdown: these four start entities; outside an entity a backslash makes them literal. */
const escapeMarkdown = (text: string) => text.replace(/([_*`[])/g, '\\$1');

function truncate(text: string, max: number): { text: string; truncated: boolean } {
  const chars = [...text];
  return chars.length > max ? { text: chars.slice(0, max).join(''), truncated: true } : { text, truncated: false };
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatTaskNotification(task: Pick<AgentTask, 'name' | 'agent_id' | 'notification'>, run: RunSummary) {
  const header = run.success
    ? `✅ *Task Completed*: ${escapeMarkdown(task.name)}`
    : `❌ *Task Failed*: ${escapeMarkdown(task.name)}`;
  const lines = [header, '', `*Agent:* \`${task.agent_id}\``, `*Duration:* ${formatDuration(run.durationMs)}`];
  if (run.input) {
    const input = truncate(run.input.replace(/\s+/g, ' ').trim(), INPUT_PREVIEW_CHARS);
    lines.push(`*Input:* ${escapeMarkdown(input.text)}${input.truncated ? '…' : ''}`);
  }
  lines.push('');
  if (!task.notification.include_output) {
    lines.push(run.success ? 'The task completed successfully.' : 'The task failed; see its history for details.');
    return lines.join('\n');
  }
  // Inside a code block only a backtick could end the entity early.
  const body = truncate(run.text.trim() || '(no output)', OUTPUT_CHARS);
  lines.push(run.success ? '*Result:*' : '*Error:*', '```', body.text.replace(/`/g, "'"), '```');
  if (body.truncated) lines.push('_(truncated)_');
  return lines.join('\n');
}

export interface TelegramTarget {
  token: string;
  chatId: string;
}

export interface NotificationOptions {
  /** Adds a "Run again" button; the daemon's Telegram channel starts the task when it is pressed. */
  runAgainTaskId?: string;
}

export class TelegramNotifier {
  constructor(
    private readonly apiBase: string = DEFAULT_TELEGRAM_API_BASE,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Resolves on success; rejects with a message that never contains the token. */
  async send(target: TelegramTarget, text: string, options: NotificationOptions = {}): Promise<void> {
    const url = `${this.apiBase.replace(/\/+$/, '')}/bot${target.token}/sendMessage`;
    const scrub = (message: string) => message.split(target.token).join('***');
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          chat_id: target.chatId,
          text,
          parse_mode: 'Markdown',
          ...(options.runAgainTaskId
            ? {
                reply_markup: {
                  inline_keyboard: [
                    [{ text: '🔁 Run again', callback_data: `${RUN_AGAIN_CALLBACK_PREFIX}${options.runAgainTaskId}` }],
                  ],
                },
              }
            : {}),
        }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      throw new Error(scrub(`Telegram unreachable: ${cause?.message ?? (error as Error).message}`));
    }
    const body = (await response.json().catch(() => ({}))) as { ok?: boolean; description?: string };
    if (!response.ok || body.ok === false) {
      throw new Error(
        scrub(`Telegram sendMessage failed (${response.status}): ${body.description ?? 'no description'}`),
      );
    }
  }
}
