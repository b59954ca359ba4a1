// A fake Telegram Bot API on loopback for e2e tests: a real HTTP server answering what the daemon's bot calls
// (getMe, getUpdates with long polling, sendMessage, editMessageText, sendChatAction, answerCallbackQuery, …),
// recording every call, and letting a test play the user (updates) or the server (scripted errors such as 429).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTelegramCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
}

export interface FakeTelegramMessage {
  message_id: number;
  chat_id: string;
  text: string;
  parse_mode?: string;
  reply_markup?: unknown;
  /** Every text the message had, the first one included: the edits of a streamed answer. */
  history: string[];
}

export interface FakeTelegramError {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface FakeTelegramUser {
  id: number;
  first_name: string;
  username?: string;
}

export interface FakeTelegram {
  /** `http://127.0.0.1:<port>` — the Bot API root (no trailing slash), for TELEGRAM_API_BASE. */
  apiRoot: string;
  /** The token this server accepts; any other gets 401 Unauthorized. */
  token: string;
  calls: FakeTelegramCall[];
  /** The bot's messages by id, as they are now (edits applied). */
  messages: Map<number, FakeTelegramMessage>;
  /** A user message in `chatId` (commands get their bot_command entity); resolves with the update id. */
  sendText(chatId: number, text: string, from?: FakeTelegramUser): number;
  /** A press of an inline button under the bot's message `messageId`. */
  pressButton(chatId: number, messageId: number, data: string, from?: FakeTelegramUser): number;
  /** Any raw update (its update_id is assigned). */
  pushUpdate(update: Record<string, unknown>): number;
  /** The next `count` calls of `method` fail with `error` (e.g. 429 with retry_after). */
  failNext(method: string, error: FakeTelegramError, count?: number): void;
  /** Calls of one method (optionally to one chat). */
  callsOf(method: string, chatId?: number | string): FakeTelegramCall[];
  /** The bot's messages in one chat, oldest first. */
  messagesIn(chatId: number | string): FakeTelegramMessage[];
  /** Whether a long poll (getUpdates) is waiting now: the bot is polling. */
  polling(): boolean;
  close(): Promise<void>;
}

export interface FakeTelegramOptions {
  token?: string;
  username?: string;
}

const DEFAULT_USER: FakeTelegramUser = { id: 1001, first_name: 'Tess', username: 'tess' };
const MAX_POLL_SECONDS = 50;

async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (!text) return params;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    return { ...params, ...(JSON.parse(text) as Record<string, unknown>) };
  }
  return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123456:FAKE-telegram-token';
  const botUser = { id: 4242, is_bot: true, first_name: 'RestFlow', username: options.username ?? 'restflow_test_bot' };
  const calls: FakeTelegramCall[] = [];
  const messages = new Map<number, FakeTelegramMessage>();
  const updates: Record<string, unknown>[] = [];
  const failures = new Map<string, FakeTelegramError[]>();
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let nextUserMessageId = 100_000;
  let nextCallbackId = 1;
  let confirmedOffset = 0;
  let waitingPolls = 0;

  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const pushUpdate = (update: Record<string, unknown>): number => {
    const update_id = nextUpdateId++;
    updates.push({ ...update, update_id });
    wake();
    return update_id;
  };

  const chatOf = (chatId: number) => ({ id: chatId, type: chatId < 0 ? 'group' : 'private', first_name: 'Tess' });

  function answer(res: ServerResponse, status: number, body: unknown) {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  const pending = (offset: number) => updates.filter((u) => (u.update_id as number) >= offset);

  async function getUpdates(params: Record<string, unknown>, req: IncomingMessage): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    if (offset > confirmedOffset) {
      confirmedOffset = offset;
      // Confirmed updates are gone, as on Telegram.
      for (let i = updates.length - 1; i >= 0; i--)
        if ((updates[i]?.update_id as number) < offset) updates.splice(i, 1);
    }
    const limit = Number(params.limit ?? 100) || 100;
    const timeout = Math.min(Number(params.timeout ?? 0), MAX_POLL_SECONDS);
    if (pending(offset).length === 0 && timeout > 0) {
      waitingPolls += 1;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          req.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeout * 1000);
        waiters.add(done);
        req.once('close', done);
      });
      waitingPolls -= 1;
    }
    return pending(offset).slice(0, limit);
  }

  function sendMessage(params: Record<string, unknown>) {
    const text = String(params.text ?? '');
    if (!text) return { error: { error_code: 400, description: 'Bad Request: message text is empty' } };
    if (text.length > 4096) return { error: { error_code: 400, description: 'Bad Request: message is too long' } };
    const message: FakeTelegramMessage = {
      message_id: nextMessageId++,
      chat_id: String(params.chat_id),
      text,
      history: [text],
      ...(params.parse_mode ? { parse_mode: String(params.parse_mode) } : {}),
      ...(params.reply_markup ? { reply_markup: params.reply_markup } : {}),
    };
    messages.set(message.message_id, message);
    return { result: wireMessage(message) };
  }

  function wireMessage(message: FakeTelegramMessage) {
    return {
      message_id: message.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(Number(message.chat_id)),
      from: botUser,
      text: message.text,
    };
  }

  function editMessageText(params: Record<string, unknown>) {
    const message = messages.get(Number(params.message_id));
    if (!message || message.chat_id !== String(params.chat_id)) {
      return { error: { error_code: 400, description: 'Bad Request: message to edit not found' } };
    }
    const text = String(params.text ?? '');
    if (text.length > 4096) return { error: { error_code: 400, description: 'Bad Request: message is too long' } };
    const parseMode = params.parse_mode ? String(params.parse_mode) : undefined;
    if (text === message.text && parseMode === message.parse_mode && params.reply_markup === undefined) {
      return {
        error: {
          error_code: 400,
          description:
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        },
      };
    }
    message.text = text;
    message.history.push(text);
    if (parseMode) message.parse_mode = parseMode;
    else delete message.parse_mode;
    if (params.reply_markup !== undefined) message.reply_markup = params.reply_markup;
    else delete message.reply_markup;
    return { result: wireMessage(message) };
  }

  function editMessageReplyMarkup(params: Record<string, unknown>) {
    const message = messages.get(Number(params.message_id));
    if (!message) return { error: { error_code: 400, description: 'Bad Request: message to edit not found' } };
    if (params.reply_markup === undefined) delete message.reply_markup;
    else message.reply_markup = params.reply_markup;
    return { result: wireMessage(message) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!route) return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, callToken, method] = route as unknown as [string, string, string];
    let params: Record<string, unknown>;
    try {
      params = await readParams(req, url);
    } catch {
      return answer(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    calls.push({ method, token: callToken, params, at: Date.now() });
    if (callToken !== token) return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const failure = failures.get(method)?.shift();
    if (failure) {
      const { retry_after, ...rest } = failure;
      return answer(res, failure.error_code, {
        ok: false,
        ...rest,
        ...(retry_after !== undefined ? { parameters: { retry_after } } : {}),
      });
    }
    const reply = (outcome: { result?: unknown; error?: FakeTelegramError }) =>
      outcome.error
        ? answer(res, outcome.error.error_code, { ok: false, ...outcome.error })
        : answer(res, 200, { ok: true, result: outcome.result });
    switch (method) {
      case 'getMe':
        return reply({ result: botUser });
      case 'deleteWebhook':
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setMyCommands':
        return reply({ result: true });
      case 'getUpdates':
        return reply({ result: await getUpdates(params, req) });
      case 'sendMessage':
        return reply(sendMessage(params));
      case 'editMessageText':
        return reply(editMessageText(params));
      case 'editMessageReplyMarkup':
        return reply(editMessageReplyMarkup(params));
      default:
        return answer(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: Error) =>
      answer(res, 500, { ok: false, error_code: 500, description: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    messages,
    pushUpdate,
    sendText(chatId, text, from = DEFAULT_USER) {
      const command = /^\/\w+(@\w+)?/.exec(text);
      return pushUpdate({
        message: {
          message_id: nextUserMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: chatOf(chatId),
          from: { ...from, is_bot: false },
          text,
          // Without the entity grammY's command() never matches.
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
        },
      });
    },
    pressButton(chatId, messageId, data, from = DEFAULT_USER) {
      const message = messages.get(messageId);
      return pushUpdate({
        callback_query: {
          id: String(nextCallbackId++),
          from: { ...from, is_bot: false },
          chat_instance: `ci${chatId}`,
          data,
          message: message ? wireMessage(message) : { message_id: messageId, date: 0, chat: chatOf(chatId), text: '' },
        },
      });
    },
    failNext(method, error, count = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < count; i++) list.push(error);
      failures.set(method, list);
    },
    callsOf(method, chatId) {
      return calls.filter(
        (c) => c.method === method && (chatId === undefined || String(c.params.chat_id) === String(chatId)),
      );
    },
    messagesIn(chatId) {
      return [...messages.values()].filter((m) => m.chat_id === String(chatId));
    },
    polling: () => waitingPolls > 0,
    close: async () => {
      wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
