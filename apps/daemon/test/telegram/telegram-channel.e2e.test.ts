// The Telegram channel end to end: a real daemon (child process, temp data dir) whose bot long-polls a fake Bot
// API on loopback (packages/testkit fake-telegram), answering with agents that talk to the fake provider.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  type FakeTelegram,
  type FakeTelegramMessage,
  removeDataDir,
  runCli,
  startFakeTelegram,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

const CHAT = 5550001;
const STRANGER = 6660002;
const WAIT = 30_000;

let fake: FakeProvider;
let tg: FakeTelegram;
let daemon: TestDaemon;
let sdk: RestflowClient;
let helperId: string;
const dataDir = tempDataDir('rf-tg');

beforeAll(async () => {
  fake = await startFakeProvider();
  tg = await startFakeTelegram();
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-telegram-e2e',
    OPENAI_API_KEY: '',
    TELEGRAM_BOT_TOKEN: '',
    TELEGRAM_API_BASE: tg.apiRoot,
    RESTFLOW_TOOL_SANDBOX: 'off',
  });
  sdk = createRestflowClient({ dataDir });
  const helper = await sdk.agents.create.mutate({
    name: 'helper',
    agent: { model: 'sonnet', tools: ['bash'], prompt: 'You help.' },
  });
  helperId = helper.id;
}, 60_000);

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  await tg?.close();
  await fake?.close();
  removeDataDir(dataDir);
});

const telegramStatus = async () => (await sdk.system.status.query()).channels?.telegram;
const lastIn = (chatId: number): FakeTelegramMessage | undefined => tg.messagesIn(chatId).at(-1);
const countIn = (chatId: number) => tg.messagesIn(chatId).length;

/** Sends `text` as the user and waits for the bot's next new message in the chat. */
async function ask(text: string, chatId = CHAT): Promise<FakeTelegramMessage> {
  const before = countIn(chatId);
  tg.sendText(chatId, text);
  await waitUntil(() => countIn(chatId) > before, WAIT, `a reply to ${text}`);
  return tg.messagesIn(chatId)[before] as FakeTelegramMessage;
}

async function chatSession() {
  const sessions = await sdk.sessions.list.query();
  return sessions.find((s) => s.name === `channel:telegram:${CHAT}`);
}

/** Waits until the chat's latest run has ended, and returns it. */
async function settledRun() {
  const session = await chatSession();
  let run: Awaited<ReturnType<typeof sdk.runs.list.query>>[number] | undefined;
  await waitUntil(
    async () => {
      [run] = await sdk.runs.list.query({ session_id: session?.id as string, limit: 1 });
      return run !== undefined && run.status !== 'running';
    },
    WAIT,
    'the chat run to end',
    100,
  );
  return run as NonNullable<typeof run>;
}

describe('the Telegram channel', () => {
  it('is off without a token, and starts when the token secret is set — no restart', async () => {
    expect(await telegramStatus()).toEqual({ state: 'off', error: null, bot_username: null });
    const off = await runCli(['status'], { dataDir });
    expect(off.stdout).toMatch(/Telegram:\s+off/);

    const bad = await runCli(['config', 'set', 'telegram.allowed_chats', '@tess'], { dataDir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"@tess" is not a Telegram chat id');
    const set = await runCli(['config', 'set', 'telegram.allowed_chats', `${CHAT}, ${CHAT}`], { dataDir });
    expect(set.stdout.trim()).toBe(`telegram.allowed_chats = ${CHAT}`);
    expect((await runCli(['config', 'get', 'telegram.allowed_chats'], { dataDir })).stdout.trim()).toBe(String(CHAT));
    await sdk.secrets.set.mutate({ key: 'TELEGRAM_BOT_TOKEN', value: tg.token });
    await waitUntil(async () => (await telegramStatus())?.state === 'running', WAIT, 'the bot to run');
    expect(await telegramStatus()).toEqual({ state: 'running', error: null, bot_username: 'restflow_test_bot' });
    await waitUntil(() => tg.polling(), WAIT, 'a long poll');
    const on = await runCli(['status'], { dataDir });
    expect(on.stdout).toMatch(/Telegram:\s+running as @restflow_test_bot/);
  });

  it('refuses a stranger once, politely, with the chat id to allow — and logs it', async () => {
    const refusal = await ask('/start', STRANGER);
    expect(refusal.text).toContain(String(STRANGER));
    expect(refusal.text).toContain(`restflow config set telegram.allowed_chats ${STRANGER}`);
    tg.sendText(STRANGER, 'hello?');
    tg.sendText(STRANGER, '/help');
    // Updates are handled in order: once the allowed chat is answered, the stranger's were handled too.
    await ask('/help');
    expect(tg.messagesIn(STRANGER)).toHaveLength(1);
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'daemon.log'), 'utf8');
    expect(log).toContain('refused a chat that is not in telegram.allowed_chats');
    expect(log).toContain(String(STRANGER));
  });

  it('answers /help and /status', async () => {
    const help = await ask('/help');
    expect(help.parse_mode).toBe('HTML');
    for (const command of ['/agents', '/agent', '/new', '/tasks', '/run', '/status', '/stop']) {
      expect(help.text).toContain(command);
    }
    const status = await ask('/status');
    expect(status.text).toContain('running as @restflow_test_bot');
    expect(status.text).toMatch(/Tasks running: 0/);
    expect(status.text).toMatch(/Approvals waiting: 0/);
    const unknown = await ask('/frobnicate');
    expect(unknown.text).toContain('Unknown command /frobnicate');
  });

  it('chats with the picked agent: quick messages merged, typing shown, the answer streamed by edits', async () => {
    const picked = await ask('/agent helper');
    expect(picked.text).toContain('now talks to <b>helper</b>');
    const agents = await ask('/agents');
    expect(agents.text).toMatch(/▶️ <b>helper<\/b>/);

    const answer = 'Hello from **RestFlow**: this answer arrives in pieces, edited into one message as it grows.';
    fake.script({ text: answer, tokens: 10, tokenDelayMs: 300 });
    const before = countIn(CHAT);
    const typingBefore = tg.callsOf('sendChatAction', CHAT).length;
    tg.sendText(CHAT, 'hi');
    tg.sendText(CHAT, 'how are you?');
    await waitUntil(() => lastIn(CHAT)?.parse_mode === 'HTML' && countIn(CHAT) > before, WAIT, 'the final answer');
    expect((await settledRun()).status).toBe('completed');

    // One turn for both messages.
    const request = fake.requests.at(-1)?.body as { messages: { role: string; content: unknown }[] };
    expect(JSON.stringify(request.messages.at(-1)?.content)).toContain('hi\\nhow are you?');
    expect(countIn(CHAT)).toBe(before + 1);
    const message = lastIn(CHAT) as FakeTelegramMessage;
    expect(message.text).toBe(
      'Hello from <b>RestFlow</b>: this answer arrives in pieces, edited into one message as it grows.',
    );
    // Sent with the first tokens, edited while streaming, then the formatted final text.
    expect(message.history.length).toBeGreaterThanOrEqual(3);
    expect(message.history[0]?.length).toBeLessThan(answer.length);
    expect(tg.callsOf('sendChatAction', CHAT).length).toBeGreaterThan(typingBefore);
    // Edits are spaced out (Telegram's per-chat limit).
    const edits = tg.callsOf('editMessageText', CHAT).filter((c) => c.params.message_id === message.message_id);
    for (let i = 1; i < edits.length; i++) {
      expect((edits[i] as { at: number }).at - (edits[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(900);
    }

    // The conversation is a session like any other, answered by the picked agent.
    const session = await chatSession();
    expect(session).toMatchObject({ agent_id: helperId, message_count: 2 });
  });

  it('splits a 5000-character answer into two messages on a paragraph boundary', async () => {
    const paragraph = (i: number) => `Paragraph ${i}: ${'lorem ipsum '.repeat(40).trim()}.`;
    const long = Array.from({ length: 10 }, (_, i) => paragraph(i)).join('\n\n');
    expect(long.length).toBeGreaterThan(4096);
    fake.script({ text: long, tokens: 8, tokenDelayMs: 100 });
    const before = countIn(CHAT);
    tg.sendText(CHAT, 'write a long text');
    await settledRun();
    await waitUntil(
      () => countIn(CHAT) === before + 2 && lastIn(CHAT)?.parse_mode === 'HTML',
      WAIT,
      'two final messages',
    );
    const [first, second] = tg.messagesIn(CHAT).slice(before) as [FakeTelegramMessage, FakeTelegramMessage];
    expect(first.text.length).toBeLessThanOrEqual(4096);
    expect(second.text.length).toBeLessThanOrEqual(4096);
    expect(`${first.text}\n\n${second.text}`).toBe(long);
    expect(second.text.startsWith('Paragraph ')).toBe(true);
  });

  it('/stop cancels the answer in progress', async () => {
    fake.script({ text: 'word '.repeat(60), tokens: 60, tokenDelayMs: 250 });
    const before = countIn(CHAT);
    tg.sendText(CHAT, 'tell me a long story');
    await waitUntil(() => countIn(CHAT) > before, WAIT, 'the answer to start streaming');
    tg.sendText(CHAT, '/stop');
    const run = await settledRun();
    expect(run.status).toBe('cancelled');
    await waitUntil(() => (lastIn(CHAT)?.text ?? '').endsWith('⏹ Stopped.'), WAIT, 'the stopped answer');
    expect(lastIn(CHAT)?.text.length).toBeLessThan(300);
    const nothing = await ask('/stop');
    expect(nothing.text).toBe('Nothing is running in this chat.');
  });

  it('asks for a command approval with buttons; the press approves it everywhere', async () => {
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'touch made-in-telegram.txt' } }] },
      { text: 'Done: the file exists.' },
    );
    const before = countIn(CHAT);
    tg.sendText(CHAT, 'please make the file');
    await waitUntil(
      () =>
        tg
          .messagesIn(CHAT)
          .slice(before)
          .some((m) => m.reply_markup !== undefined),
      WAIT,
      'the approval prompt',
    );
    const prompt = tg.messagesIn(CHAT).find((m, i) => i >= before && m.reply_markup) as FakeTelegramMessage;
    expect(prompt.text).toContain('touch made-in-telegram.txt');
    const buttons = (prompt.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard[0] as { text: string; callback_data: string }[];
    expect(buttons.map((b) => b.text)).toEqual(['✅ Approve', '❌ Reject']);
    const [pending] = await sdk.security.approvals.list.query({ status: 'pending' });
    expect(pending?.command).toBe('touch made-in-telegram.txt');
    expect(buttons[0]?.callback_data).toBe(`ap:${pending?.id}:y`);

    tg.pressButton(CHAT, prompt.message_id, buttons[0]?.callback_data as string);
    await waitUntil(
      async () => (await sdk.security.approvals.get.query({ id: pending?.id as string })).status === 'approved',
      WAIT,
      'the approval to be approved',
    );
    await waitUntil(() => tg.callsOf('answerCallbackQuery').length > 0, WAIT, 'the button answer');
    expect(tg.callsOf('answerCallbackQuery').at(-1)?.params.text).toBe('Approved');
    await waitUntil(() => prompt.text.includes('Approved'), WAIT, 'the prompt to show the decision');
    expect(prompt.reply_markup).toBeUndefined();
    const run = await settledRun();
    expect(run.status).toBe('completed');
    await waitUntil(() => lastIn(CHAT)?.text === 'Done: the file exists.', WAIT, 'the final answer');
  });

  it('waits out a 429 with its retry_after and delivers the message', async () => {
    tg.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    });
    const before = tg.callsOf('sendMessage', CHAT).length;
    const help = await ask('/help');
    expect(help.text).toContain('/run');
    const [refused, delivered] = tg.callsOf('sendMessage', CHAT).slice(before);
    expect(refused?.params.text).toBe(delivered?.params.text);
    expect((delivered?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('/run starts a task; its failure is notified with a Run again button that works', async () => {
    const task = await sdk.tasks.create.mutate({
      name: 'Nightly report',
      agent_id: helperId,
      input: 'write the report',
      notification: { telegram_enabled: true, telegram_chat_id: String(CHAT), notify_on_failure_only: true },
    });
    fake.script({ error: 400, message: 'fake provider: the report model is down' });
    const started = await ask('/run nightly report');
    expect(started.text).toBe('🚀 Started: <b>Nightly report</b>');
    await waitUntil(
      () => tg.messagesIn(CHAT).some((m) => m.text.includes('Task Failed')),
      WAIT,
      'the failure notification',
    );
    const notice = tg.messagesIn(CHAT).find((m) => m.text.includes('Task Failed')) as FakeTelegramMessage;
    expect(notice.text).toContain('❌ *Task Failed*: Nightly report');
    expect(notice.text).toContain('the report model is down');
    const button = (notice.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard[0]?.[0];
    expect(button).toEqual({ text: '🔁 Run again', callback_data: `run:${task.id}` });

    fake.script({ text: 'Report written.' });
    const before = countIn(CHAT);
    tg.pressButton(CHAT, notice.message_id, button?.callback_data as string);
    await waitUntil(() => countIn(CHAT) > before, WAIT, 'the task to start again');
    expect(lastIn(CHAT)?.text).toBe('🚀 Started: <b>Nightly report</b>');
    await waitUntil(
      async () => (await sdk.tasks.get.query({ id: task.id })).last_run_at !== null && fake.pending() === 0,
      WAIT,
      'the second run',
    );
    const events = await sdk.tasks.events.list.query({ task_id: task.id });
    await waitUntil(
      async () => (await sdk.tasks.events.list.query({ task_id: task.id })).some((e) => e.event_type === 'completed'),
      WAIT,
      'the second run to complete',
    );
    expect(events.some((e) => e.event_type === 'failed')).toBe(true);
  });

  it("asks a task run's approval in the chat that started it; Reject refuses the command", async () => {
    const task = await sdk.tasks.create.mutate({ name: 'Cleanup', agent_id: helperId, input: 'clean up' });
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'rm -f old.log' } }] },
      { text: 'Cleanup skipped.' },
    );
    const before = countIn(CHAT);
    expect((await ask('/run cleanup')).text).toBe('🚀 Started: <b>Cleanup</b>');
    await waitUntil(
      () =>
        tg
          .messagesIn(CHAT)
          .slice(before)
          .some((m) => m.reply_markup !== undefined),
      WAIT,
      'the approval prompt of the task run',
    );
    const prompt = tg.messagesIn(CHAT).find((m, i) => i >= before && m.reply_markup) as FakeTelegramMessage;
    expect(prompt.text).toContain('rm -f old.log');
    const [pending] = await sdk.security.approvals.list.query({ status: 'pending', task_id: task.id });
    tg.pressButton(CHAT, prompt.message_id, `ap:${pending?.id}:n`);
    await waitUntil(() => prompt.text.includes('Rejected'), WAIT, 'the prompt to show the rejection');
    expect((await sdk.security.approvals.get.query({ id: pending?.id as string })).status).toBe('rejected');
    await waitUntil(
      async () => (await sdk.tasks.events.list.query({ task_id: task.id })).some((e) => e.event_type === 'completed'),
      WAIT,
      'the task run to complete',
    );
  });

  it('/stop with no answer in progress cancels the task this chat started', async () => {
    const task = await sdk.tasks.create.mutate({ name: 'Slow digest', agent_id: helperId, input: 'digest' });
    fake.script({ text: 'word '.repeat(80), tokens: 80, tokenDelayMs: 250 });
    expect((await ask('/run slow digest')).text).toBe('🚀 Started: <b>Slow digest</b>');
    await waitUntil(
      async () => (await sdk.tasks.active.query()).some((r) => r.task_id === task.id && r.state === 'running'),
      WAIT,
      'the task to run',
    );
    expect((await ask('/stop')).text).toBe('⏹ Stopped task <b>Slow digest</b>.');
    await waitUntil(
      async () => (await sdk.tasks.events.list.query({ task_id: task.id })).some((e) => e.event_type === 'cancelled'),
      WAIT,
      'the task run to be cancelled',
    );
    expect((await ask('/stop')).text).toBe('Nothing is running in this chat.');
  });

  it('a bad token is a clear status while the daemon serves everything else; removing it turns the bot off', async () => {
    await sdk.secrets.set.mutate({ key: 'TELEGRAM_BOT_TOKEN', value: '999:not-the-right-token' });
    await waitUntil(async () => (await telegramStatus())?.state === 'error', WAIT, 'the error state');
    const status = await telegramStatus();
    expect(status?.error).toMatch(/Telegram rejected the bot token \(401 Unauthorized\)/);
    expect(JSON.stringify(status)).not.toContain('not-the-right-token');
    const cli = await runCli(['status'], { dataDir });
    expect(cli.stdout).toMatch(/Telegram:\s+error — Telegram rejected the bot token/);
    expect(await sdk.system.ping.query()).toBe('pong');
    expect((await sdk.agents.list.query()).some((a) => a.name === 'helper')).toBe(true);

    await sdk.secrets.delete.mutate({ key: 'TELEGRAM_BOT_TOKEN' });
    await waitUntil(async () => (await telegramStatus())?.state === 'off', WAIT, 'the bot to turn off');
  });
});
