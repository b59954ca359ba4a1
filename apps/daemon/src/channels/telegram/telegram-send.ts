// Sending to Telegram with formatting that can fail safe: HTML first, the plain Markdown text when Telegram
// refuses the entities.
import { type Api, GrammyError, type InlineKeyboard } from 'grammy';
import { markdownToTelegramHtml } from './telegram-format.ts';

export type ChatId = number | string;

/** Telegram's answer to formatting it cannot parse. */
export const isFormattingRejected = (error: unknown): boolean =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /can't parse|can't find end|unsupported start tag/i.test(error.description);

/** Editing a message to what it already shows is refused; for a streamed answer that is success. */
export const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);

export interface SendOptions {
  keyboard?: InlineKeyboard;
}

export async function sendMarkdown(api: Api, chatId: ChatId, markdown: string, options: SendOptions = {}) {
  const extra = options.keyboard ? { reply_markup: options.keyboard } : {};
  try {
    return await api.sendMessage(chatId, markdownToTelegramHtml(markdown), { parse_mode: 'HTML', ...extra });
  } catch (error) {
    if (!isFormattingRejected(error)) throw error;
    return api.sendMessage(chatId, markdown, extra);
  }
}

export async function editMarkdown(
  api: Api,
  chatId: ChatId,
  messageId: number,
  markdown: string,
  options: SendOptions = {},
): Promise<void> {
  const extra = options.keyboard ? { reply_markup: options.keyboard } : {};
  try {
    await api.editMessageText(chatId, messageId, markdownToTelegramHtml(markdown), { parse_mode: 'HTML', ...extra });
  } catch (error) {
    if (isNotModified(error)) return;
    if (!isFormattingRejected(error)) throw error;
    await api.editMessageText(chatId, messageId, markdown, extra).catch((again: unknown) => {
      if (!isNotModified(again)) throw again;
    });
  }
}
