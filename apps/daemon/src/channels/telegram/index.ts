// Wires the Telegram channel to the daemon's services: the API through a caller on the `local` transport, the
// live streams from core, the token from the secret store (environment fallback) and its change notices.
import type { ApiContext } from '@restflow/api';
import {
  CHANGES_CHANNEL,
  type Change,
  DEFAULT_TELEGRAM_API_BASE,
  type RestflowServices,
  TELEGRAM_TOKEN_SECRET,
} from '@restflow/core';
import type { Logger } from '../../logger.ts';
import { callerFactory, type TelegramTiming } from './ports.ts';
import { TelegramChannel } from './telegram-channel.ts';

export { TelegramChannel } from './telegram-channel.ts';

/** The Bot API root the notifier uses too (TELEGRAM_API_BASE); grammY refuses a trailing slash. */
export function telegramApiRoot(env: NodeJS.ProcessEnv): string {
  return (env.TELEGRAM_API_BASE || env.TELEGRAM_API_BASE_URL || DEFAULT_TELEGRAM_API_BASE).replace(/\/+$/, '');
}

export function createTelegramChannel(
  services: RestflowServices,
  context: ApiContext,
  logger: Logger,
  timing?: Partial<TelegramTiming>,
): TelegramChannel {
  return new TelegramChannel({
    api: callerFactory(context),
    runEvents: (runId, signal) => services.runs.subscribe(runId, { signal }),
    approvals: services.security.approvals,
    token: () => services.secrets.getValue(TELEGRAM_TOKEN_SECRET),
    onTokenChange: (listener) =>
      services.bus.subscribe(CHANGES_CHANNEL, (event) => {
        const change = event as Change;
        if (change.entity === 'secrets' && change.id === TELEGRAM_TOKEN_SECRET) listener();
      }),
    isAllowed: (chatId) => services.telegram.isAllowed(chatId),
    apiRoot: telegramApiRoot(services.env),
    logger,
    ...(timing ? { timing } : {}),
  });
}
