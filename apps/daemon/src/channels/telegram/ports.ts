// What the Telegram channel needs from the daemon: the API (a tRPC caller, so the bot is one more client of the
// same procedures as the CLI and the console) and the live streams, which it reads from the core services.
import { appRouter, createCallerFactory } from '@restflow/api';
import type { ApprovalQueue, RunStreamEvent } from '@restflow/core';
import type { Logger } from '../../logger.ts';

const callerFactory = createCallerFactory(appRouter);
export type ApiCaller = ReturnType<typeof callerFactory>;
export { callerFactory };

export interface TelegramChannelDeps {
  api: ApiCaller;
  /** The events of one run, replayed then live, until it ends or `signal` aborts. */
  runEvents(runId: string, signal: AbortSignal): AsyncIterable<RunStreamEvent>;
  approvals: Pick<ApprovalQueue, 'subscribe'>;
  /** The bot token (secret TELEGRAM_BOT_TOKEN, else the environment variable); undefined = channel off. */
  token(): string | undefined;
  /** Calls `listener` whenever the token may have changed; returns the unsubscribe function. */
  onTokenChange(listener: () => void): () => void;
  /** Whether this chat may use the bot (config `telegram.allowed_chats`), read on every update. */
  isAllowed(chatId: number | string): boolean;
  /** Bot API root without trailing slash (TELEGRAM_API_BASE; default api.telegram.org). */
  apiRoot: string;
  logger: Logger;
  timing?: Partial<TelegramTiming>;
}

export interface TelegramTiming {
  /** Quick successive messages within this window are one turn. */
  debounceMs: number;
  /** Minimum time between two writes of a streamed answer. */
  editIntervalMs: number;
  /** Telegram shows "typing…" for about 5 s: renewed this often. */
  typingIntervalMs: number;
  /** getUpdates long-poll timeout (seconds). */
  pollTimeoutSecs: number;
  /** First wait before asking Telegram again after a network failure at start. */
  retryMs: number;
}

export const DEFAULT_TIMING: TelegramTiming = {
  debounceMs: 800,
  editIntervalMs: 1000,
  typingIntervalMs: 4000,
  pollTimeoutSecs: 30,
  retryMs: 2000,
};

/** The chat's session is found by this name, so it survives daemon restarts without a table of its own. */
export const sessionNameOf = (chatId: number | string) => `channel:telegram:${chatId}`;
