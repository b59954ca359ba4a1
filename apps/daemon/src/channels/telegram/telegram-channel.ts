// The Telegram channel's life in the daemon: off without a token; with one, ask Telegram who the bot is, then
// long-poll. A token that is added, changed or removed applies at once (no restart), and a bad token or an
// unreachable Telegram is a status with plain words — the rest of the daemon serves on regardless.
import type { ChannelStatus } from '@restflow/api/schemas';
import { GrammyError, HttpError } from 'grammy';
import { DEFAULT_TIMING, type TelegramChannelDeps, type TelegramTiming } from './ports.ts';
import { type BuiltBot, buildTelegramBot } from './telegram-bot.ts';

const STOP_GRACE_MS = 5000;

interface Running {
  token: string;
  built: BuiltBot;
  abort: AbortController;
  done: Promise<void>;
}

/** Plain words on why the bot cannot run; never contains the token. */
export function describeTelegramError(error: unknown, token: string): string {
  let text: string;
  if (error instanceof GrammyError) {
    if (error.error_code === 401 || error.error_code === 404) {
      text = 'Telegram rejected the bot token (401 Unauthorized): set a valid TELEGRAM_BOT_TOKEN from @BotFather';
    } else if (error.error_code === 409) {
      text = 'another program is polling with this bot token (409 Conflict): stop it, or use another token';
    } else {
      text = `Telegram answered ${error.error_code}: ${error.description}`;
    }
  } else if (error instanceof HttpError) {
    const cause = (error.error as Error | undefined)?.message;
    text = `cannot reach the Telegram Bot API${cause ? ` (${cause})` : ''}; retrying`;
  } else {
    text = (error as Error)?.message ?? String(error);
  }
  return token ? text.split(token).join('***') : text;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export class TelegramChannel {
  private current: Running | undefined;
  private state: ChannelStatus = { state: 'off', error: null, bot_username: null };
  /** Token changes apply one after another. */
  private applying: Promise<void> = Promise.resolve();
  private unwatch: (() => void) | undefined;
  private readonly timing: TelegramTiming;
  private closed = false;

  constructor(private readonly deps: TelegramChannelDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
  }

  status(): ChannelStatus {
    return { ...this.state };
  }

  /** Starts with the current token and follows its changes. */
  start(): Promise<void> {
    this.unwatch = this.deps.onTokenChange(() => {
      void this.apply();
    });
    return this.apply();
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    await this.applying;
    await this.halt();
    this.set({ state: 'off', error: null, bot_username: null });
  }

  /** Brings the bot in line with the token now configured. */
  apply(): Promise<void> {
    this.applying = this.applying.then(async () => {
      if (this.closed) return;
      let token: string | undefined;
      try {
        token = this.deps.token()?.trim() || undefined;
      } catch (error) {
        this.set({
          state: 'error',
          error: `cannot read TELEGRAM_BOT_TOKEN: ${(error as Error).message}`,
          bot_username: null,
        });
        return;
      }
      if (token === this.current?.token) return;
      await this.halt();
      if (!token) {
        this.set({ state: 'off', error: null, bot_username: null });
        return;
      }
      this.launch(token);
    });
    return this.applying;
  }

  private set(next: ChannelStatus): void {
    const changed = next.state !== this.state.state || next.error !== this.state.error;
    this.state = next;
    if (!changed) return;
    const log = next.state === 'error' ? 'warn' : 'info';
    this.deps.logger[log]({ telegram: next.state, error: next.error, bot: next.bot_username }, 'telegram channel');
  }

  private launch(token: string): void {
    const built = buildTelegramBot(token, this.deps, this.timing, {
      describeChannel: () =>
        this.state.state === 'running' ? `running as @${this.state.bot_username}` : this.state.state,
    });
    const abort = new AbortController();
    this.set({ state: 'connecting', error: null, bot_username: null });
    const done = this.run(token, built, abort.signal).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      this.set({ state: 'error', error: describeTelegramError(error, token), bot_username: null });
    });
    this.current = { token, built, abort, done };
  }

  private async run(token: string, built: BuiltBot, signal: AbortSignal): Promise<void> {
    const { bot } = built;
    // Who are we? Network failures retry with backoff (the status says why); a refused token ends here.
    let delay = this.timing.retryMs;
    while (!signal.aborted) {
      try {
        // grammY types its signal with the abort-controller polyfill; Node's is the same at run time.
        bot.botInfo = await bot.api.getMe(signal as unknown as Parameters<typeof bot.api.getMe>[0]);
        break;
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof HttpError) && !(error instanceof GrammyError && error.error_code >= 500)) throw error;
        this.set({ state: 'connecting', error: describeTelegramError(error, token), bot_username: null });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
    if (signal.aborted) return;
    const watch = built.approvals.watch(this.deps.approvals, built.chatsForTask, signal);
    await bot.start({
      timeout: this.timing.pollTimeoutSecs,
      allowed_updates: ['message', 'callback_query'],
      onStart: (me) => this.set({ state: 'running', error: null, bot_username: me.username }),
    });
    await watch;
  }

  private async halt(): Promise<void> {
    const running = this.current;
    if (!running) return;
    this.current = undefined;
    running.abort.abort();
    running.built.conversations.close();
    if (running.built.bot.isRunning()) {
      // Confirms the handled updates to Telegram; an unreachable server must not hold the daemon's stop.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        running.built.bot.stop().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await running.done;
  }
}
