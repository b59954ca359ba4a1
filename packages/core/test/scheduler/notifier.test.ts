// Telegram notifications: the message format, the Bot API call against a local fake server, and when a
// finished run notifies (and how that is recorded).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_NOTIFICATION, formatTaskNotification, TelegramNotifier } from '../../src/index.ts';
import { setupScheduler, stubRunner } from './helpers.ts';

interface Received {
  path: string;
  body: { chat_id: string; text: string; parse_mode: string; reply_markup?: unknown };
}

let server: http.Server;
let base = '';
const received: Received[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: { ok: true } };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const task = (overrides: Partial<typeof DEFAULT_NOTIFICATION> = {}) => ({
  name: 'Daily_digest',
  agent_id: 'agent-1',
  notification: { ...DEFAULT_NOTIFICATION, telegram_enabled: true, ...overrides },
});

describe('formatTaskNotification', () => {
  it('formats success and failure with agent, input preview and the output in a code block', () => {
    expect(
      formatTaskNotification(task(), {
        success: true,
        text: 'All `good`',
        durationMs: 1500,
        input: 'summarise *news*',
      }),
    ).toBe(
      [
        '✅ *Task Completed*: Daily\\_digest',
        '',
        '*Agent:* `agent-1`',
        '*Duration:* 1.5 s',
        '*Input:* summarise \\*news\\*',
        '',
        '*Result:*',
        '```',
        "All 'good'",
        '```',
      ].join('\n'),
    );
    const failed = formatTaskNotification(task(), { success: false, text: 'boom', durationMs: 20, input: null });
    expect(failed.split('\n')).toEqual([
      '❌ *Task Failed*: Daily\\_digest',
      '',
      '*Agent:* `agent-1`',
      '*Duration:* 20 ms',
      '',
      '*Error:*',
      '```',
      'boom',
      '```',
    ]);
  });

  it('truncates long input and output, and hides the output when include_output is off', () => {
    const long = formatTaskNotification(task(), {
      success: true,
      text: 'x'.repeat(2500),
      durationMs: 1,
      input: 'y'.repeat(150),
    });
    expect(long).toContain(`*Input:* ${'y'.repeat(100)}…`);
    expect(long).toContain(`\`\`\`\n${'x'.repeat(2000)}\n\`\`\`\n_(truncated)_`);
    const hidden = formatTaskNotification(task({ include_output: false }), {
      success: true,
      text: 'secret output',
      durationMs: 1,
      input: null,
    });
    expect(hidden).not.toContain('secret output');
    expect(hidden.endsWith('The task completed successfully.')).toBe(true);
  });
});

describe('TelegramNotifier', () => {
  it('posts sendMessage with Markdown and never puts the token into an error', async () => {
    received.length = 0;
    reply = { status: 200, body: { ok: true } };
    const notifier = new TelegramNotifier(`${base}/`);
    await notifier.send({ token: '123:SECRET', chatId: '42' }, 'hi');
    expect(received).toEqual([
      { path: '/bot123:SECRET/sendMessage', body: { chat_id: '42', text: 'hi', parse_mode: 'Markdown' } },
    ]);

    reply = { status: 400, body: { ok: false, description: 'Bad Request: chat 123:SECRET not found' } };
    const error = await notifier.send({ token: '123:SECRET', chatId: '42' }, 'hi').catch((e: Error) => e);
    expect((error as Error).message).toBe('Telegram sendMessage failed (400): Bad Request: chat *** not found');

    const down = new TelegramNotifier('http://127.0.0.1:1');
    const unreachable = await down.send({ token: '123:SECRET', chatId: '42' }, 'hi').catch((e: Error) => e);
    expect((unreachable as Error).message).toMatch(/^Telegram unreachable: /);
    expect((unreachable as Error).message).not.toContain('SECRET');
  });
});

describe('run notifications', () => {
  it('notifies per the task settings and records notification_sent / notification_failed', async () => {
    received.length = 0;
    reply = { status: 200, body: { ok: true } };
    const runner = stubRunner([
      () => 'done well',
      () => {
        throw new Error('kaput');
      },
      () => 'quiet success',
      () => 'no chat',
    ]);
    const { services, scheduler, createTask, streamOf } = setupScheduler(
      { agentRunner: runner, telegramApiBase: base },
      { TELEGRAM_BOT_TOKEN: '999:FROMSECRET' },
    );
    const notification = { telegram_enabled: true, telegram_chat_id: '42' };
    const run = async (taskId: string) => {
      scheduler.runNow(taskId);
      await scheduler.idle();
      return streamOf(taskId).at(-1)?.kind;
    };

    const ok = createTask({ name: 'ok', notification: { ...notification, telegram_bot_token: '111:TASKTOKEN' } });
    expect(await run(ok.id)).toEqual({
      type: 'notification_sent',
      channel: 'telegram',
      message: 'Telegram notification sent to chat 42',
    });
    expect(received[0]?.path).toBe('/bot111:TASKTOKEN/sendMessage');
    expect(received[0]?.body.text).toContain('✅ *Task Completed*: ok');
    // The daemon's bot answers the button by starting the task again.
    expect(received[0]?.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: '🔁 Run again', callback_data: `run:${ok.id}` }]],
    });
    expect(services.tasks.listEvents(ok.id)[0]).toMatchObject({ event_type: 'notification_sent' });

    const failing = createTask({ name: 'failing', notification: { ...notification, notify_on_failure_only: true } });
    expect(await run(failing.id)).toMatchObject({ type: 'notification_sent' });
    // No task token: the TELEGRAM_BOT_TOKEN secret (here from the environment) is used.
    expect(received[1]?.path).toBe('/bot999:FROMSECRET/sendMessage');
    expect(received[1]?.body.text).toContain('Execution error: kaput');

    const quiet = createTask({ name: 'quiet', notification: { ...notification, notify_on_failure_only: true } });
    expect(await run(quiet.id)).toMatchObject({ type: 'completed' });
    expect(received).toHaveLength(2);

    const noChat = createTask({ name: 'no chat', notification: { telegram_enabled: true } });
    expect(await run(noChat.id)).toMatchObject({
      type: 'notification_failed',
      error: expect.stringContaining('telegram_chat_id'),
    });
    expect(services.tasks.listEvents(noChat.id)[0]).toMatchObject({ event_type: 'notification_failed' });

    const bare = setupScheduler({ agentRunner: stubRunner([() => 'x']), telegramApiBase: base });
    const noToken = bare.createTask({ notification });
    bare.scheduler.runNow(noToken.id);
    await bare.scheduler.idle();
    expect(bare.streamOf(noToken.id).at(-1)?.kind).toMatchObject({
      type: 'notification_failed',
      error: expect.stringContaining('TELEGRAM_BOT_TOKEN'),
    });
  });
});
