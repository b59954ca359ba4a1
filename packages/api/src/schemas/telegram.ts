import { z } from 'zod';

/** A chat id as Telegram gives it (negative for groups); numbers are accepted and kept as text. */
const chatIdSchema = z.union([z.string().trim().min(1).max(24), z.number().int()]).transform(String);

/** `config.telegram`: which chats may use the daemon's bot. */
export const telegramSettingsSchema = z.object({ allowed_chats: z.array(z.string()) }).strict();

export const setTelegramSettingsInput = z
  .object({ telegram: z.object({ allowed_chats: z.array(chatIdSchema).max(200) }).strict() })
  .strict();

/** The Telegram channel as `system.status` reports it. */
export const channelStatusSchema = z.strictObject({
  state: z.enum(['off', 'connecting', 'running', 'error']),
  /** Plain words (never the token): why it stopped (`error`), or why it is still retrying (`connecting`); else null. */
  error: z.string().nullable(),
  /** The bot's @username once Telegram accepted the token. */
  bot_username: z.string().nullable(),
});
export type ChannelStatus = z.infer<typeof channelStatusSchema>;
