// The bot's handlers in process: updates go straight to bot.handleUpdate (no polling), answers go over HTTP to
// the fake Bot API, and the API behind the bot is a caller on in-memory services.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestServices,
  type FakeTelegram,
  fakeDaemonControl,
  startFakeTelegram,
  waitUntil,
} from '@restflow/testkit';
import type { Update } from 'grammy/types';
import { createTelegramChannel, telegramApiRoot } from '../../src/channels/telegram/index.ts';
import { callerFactory, DEFAULT_TIMING, type TelegramChannelDeps } from '../../src/channels/telegram/ports.ts';
import { buildTelegramBot } from '../../src/channels/telegram/telegram-bot.ts';
import { describeTelegramError } from '../../src/channels/telegram/telegram-channel.ts';
import { sendMarkdown } from '../../src/channels/telegram/telegram-send.ts';
import { createLogger } from '../../src/logger.ts';

const CHAT = 777;
const logger = createLogger(undefined, 'silent');
let tg: FakeTelegram;
let updateId = 0;

beforeAll(async () => {
  tg = await startFakeTelegram();
});
afterAll(async () => {
  await tg.close();
});

async function setup() {
  const services = createTestServices({ env: { TELEGRAM_API_BASE: `${tg.apiRoot}/` } });
  // As the daemon does at start: the default agent (here without a model: no provider key).
  await services.defaultAgent.seed();
  services.telegram.set({ allowed_chats: [String(CHAT)] });
  const context = { services, daemon: fakeDaemonControl(), transport: 'local' as const };
  const deps: TelegramChannelDeps = {
    api: callerFactory(context),
    runEvents: (runId, signal) => services.runs.subscribe(runId, { signal }),
    approvals: services.security.approvals,
    token: () => tg.token,
    onTokenChange: () => () => {},
    isAllowed: (chatId) => services.telegram.isAllowed(chatId),
    apiRoot: tg.apiRoot,
    logger,
  };
  const built = buildTelegramBot(
    tg.token,
    deps,
    { ...DEFAULT_TIMING, debounceMs: 20 },
    { describeChannel: () => 'test' },
  );
  built.bot.botInfo = {
    id: 1,
    is_bot: true,
    first_name: 'RestFlow',
    username: 'restflow_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  } as never;
  const text = (chatId: number, body: string) => {
    const command = /^\/\w+/.exec(body);
    return built.bot.handleUpdate({
      update_id: ++updateId,
      message: {
        message_id: updateId,
        date: 0,
        chat: { id: chatId, type: 'private', first_name: 'T' },
        from: { id: chatId, is_bot: false, first_name: 'T' },
        text: body,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    } as Update);
  };
  const press = (chatId: number, data: string) =>
    built.bot.handleUpdate({
      update_id: ++updateId,
      callback_query: {
        id: String(updateId),
        chat_instance: 'x',
        from: { id: chatId, is_bot: false, first_name: 'T' },
        data,
        message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private', first_name: 'T' }, text: 'x' },
      },
    } as Update);
  return { services, built, text, press };
}

const lastIn = (chatId: number) => tg.messagesIn(chatId).at(-1)?.text;
afterEach(() => {
  tg.calls.length = 0;
});

describe('the Telegram bot', () => {
  it('takes its API root from TELEGRAM_API_BASE, without the trailing slash grammY refuses', () => {
    expect(telegramApiRoot({ TELEGRAM_API_BASE: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(telegramApiRoot({})).toBe('https://api.telegram.org');
  });

  it('answers a button press from a chat that is not allowed with a refusal, and does nothing', async () => {
    const { press, services } = await setup();
    await press(999, 'run:anything');
    expect(tg.callsOf('answerCallbackQuery').at(-1)?.params.text).toBe('This chat may not use this bot.');
    expect(services.scheduler.active()).toEqual([]);
  });

  it('says clearly why a chat turn cannot start (an agent without a model)', async () => {
    const { text } = await setup();
    await text(CHAT, 'hello');
    await waitUntil(() => (lastIn(CHAT) ?? '').startsWith('⚠️'), 5000, 'the error message');
    expect(lastIn(CHAT)).toMatch(/model/i);
  });

  it('/new keeps the old conversation under a dated name and starts a fresh one', async () => {
    const { text, services } = await setup();
    await text(CHAT, '/agent');
    const [first] = services.sessions.list().filter((s) => s.name === `channel:telegram:${CHAT}`);
    expect(first).toBeDefined();
    await text(CHAT, '/new');
    expect(lastIn(CHAT)).toBe('🆕 New conversation started.');
    const names = services.sessions.list().map((s) => s.name);
    expect(names.filter((n) => n === `channel:telegram:${CHAT}`)).toHaveLength(1);
    expect(names.some((n) => n.startsWith(`channel:telegram:${CHAT} · `))).toBe(true);
    expect(services.sessions.get(first?.id as string).name).toMatch(/ · \d{4}-\d\d-\d\d/);
  });

  it('gives a chat one session even when a command and a turn ask for it at once', async () => {
    const { built, services } = await setup();
    const chat = 4242;
    const [a, b] = await Promise.all([built.conversations.sessionFor(chat), built.conversations.sessionFor(chat)]);
    expect(a.id).toBe(b.id);
    expect(services.sessions.list().filter((s) => s.name === `channel:telegram:${chat}`)).toHaveLength(1);
    // A session deleted elsewhere is replaced on the next message.
    services.sessions.delete(a.id);
    const again = await built.conversations.sessionFor(chat);
    expect(again.id).not.toBe(a.id);
  });

  it('answers unknown agents, tasks and deleted tasks with plain words', async () => {
    const { text, press } = await setup();
    await text(CHAT, '/agent nobody');
    expect(lastIn(CHAT)).toContain('No agent named “nobody”');
    await text(CHAT, '/tasks');
    expect(lastIn(CHAT)).toBe('No tasks yet.');
    await text(CHAT, '/run ghost');
    expect(lastIn(CHAT)).toContain('No task named “ghost”');
    await text(CHAT, '/run');
    expect(lastIn(CHAT)).toContain('Which task?');
    await press(CHAT, 'run:00000000-0000-0000-0000-000000000000');
    expect(tg.callsOf('answerCallbackQuery').at(-1)?.params.text).toMatch(/not found/i);
  });

  it('falls back to plain text when Telegram refuses the formatting', async () => {
    const { built } = await setup();
    tg.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unclosed tag" });
    await sendMarkdown(built.bot.api, CHAT, 'Some **bold** text');
    const [refused, plain] = tg.callsOf('sendMessage', CHAT);
    expect(refused?.params).toMatchObject({ text: 'Some <b>bold</b> text', parse_mode: 'HTML' });
    expect(plain?.params.text).toBe('Some **bold** text');
    expect(plain?.params.parse_mode).toBeUndefined();
  });
});

describe('the Telegram channel', () => {
  it('follows the token: off, running, error on a refused token (never quoting it), off again', async () => {
    const services = createTestServices({ env: { TELEGRAM_API_BASE: tg.apiRoot } });
    const context = { services, daemon: fakeDaemonControl(), transport: 'local' as const };
    const channel = createTelegramChannel(services, context, logger, { pollTimeoutSecs: 1 });
    await channel.start();
    expect(channel.status()).toEqual({ state: 'off', error: null, bot_username: null });
    services.secrets.set('TELEGRAM_BOT_TOKEN', tg.token);
    await waitUntil(() => channel.status().state === 'running', 10_000, 'running');
    expect(channel.status().bot_username).toBe('restflow_test_bot');
    services.secrets.set('TELEGRAM_BOT_TOKEN', '1:wrong-token-value');
    await waitUntil(() => channel.status().state === 'error', 10_000, 'error');
    expect(channel.status().error).toMatch(/rejected the bot token/);
    services.secrets.delete('TELEGRAM_BOT_TOKEN');
    await waitUntil(() => channel.status().state === 'off', 10_000, 'off');
    await channel.stop();
  });

  it('describes a conflict and an unreachable API without the token', async () => {
    const { GrammyError, HttpError } = await import('grammy');
    const conflict = new GrammyError('x', { ok: false, error_code: 409, description: 'Conflict' }, 'getUpdates', {});
    expect(describeTelegramError(conflict, 'tok')).toMatch(/409 Conflict/);
    const down = new HttpError('x', new Error('connect ECONNREFUSED tok-host'));
    expect(describeTelegramError(down, 'tok')).toBe(
      'cannot reach the Telegram Bot API (connect ECONNREFUSED ***-host); retrying',
    );
  });
});
