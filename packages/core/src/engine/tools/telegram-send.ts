import type { SecretPort } from '../ports.ts';
import { catalogueSpec } from './spec.ts';
import { ok, type ToolDefinition, ToolError } from './types.ts';

export const TELEGRAM_TOKEN_SECRET = 'TELEGRAM_BOT_TOKEN';
export const TELEGRAM_CHAT_SECRET = 'TELEGRAM_CHAT_ID';

export function telegramSendTool(secrets: SecretPort, apiBase = 'https://api.telegram.org'): ToolDefinition {
  return {
    ...catalogueSpec('telegram_send'),
    async execute(args, ctx) {
      const token = secrets.get(TELEGRAM_TOKEN_SECRET);
      if (!token) throw new ToolError(`secret ${TELEGRAM_TOKEN_SECRET} is not set`);
      const chatId = (args.chat_id as string | undefined) ?? secrets.get(TELEGRAM_CHAT_SECRET);
      if (!chatId) throw new ToolError(`no chat_id given and secret ${TELEGRAM_CHAT_SECRET} is not set`);
      const response = await fetch(`${apiBase}/bot${token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          chat_id: chatId,
          text: args.message,
          parse_mode: args.parse_mode,
          disable_web_page_preview: args.disable_web_page_preview,
          disable_notification: args.disable_notification,
        }),
        signal: ctx.signal,
      });
      const body = (await response.json().catch(() => ({}))) as {
        ok?: boolean;
        description?: string;
        result?: { message_id?: number };
      };
      // The token is part of the URL: never echo URLs or raw errors that could carry it.
      if (!response.ok || !body.ok) {
        throw new ToolError(
          `Telegram refused the message (${response.status}): ${body.description ?? 'no description'}`,
        );
      }
      return ok({ sent: true, chat_id: chatId, message_id: body.result?.message_id });
    },
  };
}
