// The Telegram channel's settings, stored in system_config under `telegram`: which chats may use the bot.
// Read on every update, so a change applies to the next message without a restart.
import { type Db, eq, systemConfig } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import type { Clock } from '../runtime.ts';

export interface TelegramSettings {
  /** Chat ids (as Telegram gives them: negative for groups) allowed to use the bot; empty = nobody. */
  allowed_chats: string[];
}

export const TELEGRAM_SETTINGS_KEY = 'telegram';
const CHAT_ID = /^-?\d{1,20}$/;
const MAX_ALLOWED_CHATS = 200;

/** Trims, de-duplicates and checks every chat id; a bad one is named in the error. */
export function validateTelegramSettings(settings: TelegramSettings): TelegramSettings {
  const chats = [...new Set(settings.allowed_chats.map((id) => String(id).trim()).filter(Boolean))];
  const bad = chats.find((id) => !CHAT_ID.test(id));
  if (bad !== undefined) {
    throw InvalidInputError.field('allowed_chats', `"${bad.slice(0, 40)}" is not a Telegram chat id (e.g. 123456789)`);
  }
  if (chats.length > MAX_ALLOWED_CHATS) {
    throw InvalidInputError.field('allowed_chats', `at most ${MAX_ALLOWED_CHATS} chats`);
  }
  return { allowed_chats: chats };
}

export class TelegramSettingsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly changes: ChangeFeed;

  constructor(core: Pick<CoreContext, 'db' | 'clock' | 'changes'>) {
    this.db = core.db;
    this.clock = core.clock;
    this.changes = core.changes;
  }

  get(): TelegramSettings {
    const row = this.db.select().from(systemConfig).where(eq(systemConfig.key, TELEGRAM_SETTINGS_KEY)).get();
    const stored = row?.value as Partial<TelegramSettings> | undefined;
    return { allowed_chats: stored?.allowed_chats ?? [] };
  }

  /** Replaces the whole settings. */
  set(settings: TelegramSettings): TelegramSettings {
    const value = validateTelegramSettings(settings);
    const now = this.clock.now();
    this.db
      .insert(systemConfig)
      .values({ key: TELEGRAM_SETTINGS_KEY, value, updatedAt: now })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value, updatedAt: now } })
      .run();
    this.changes.publish({ entity: 'config', id: TELEGRAM_SETTINGS_KEY, action: 'updated' });
    return value;
  }

  isAllowed(chatId: string | number): boolean {
    return this.get().allowed_chats.includes(String(chatId));
  }
}
