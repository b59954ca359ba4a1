// One answer streamed into Telegram: the first tokens send a message, later ones edit it at a bounded rate
// (Telegram allows about one message a second per chat), and past 4096 characters the answer continues in a
// new message. While streaming the text is shown plain — a half-written `**` must not break a message — and
// the final text is rendered with formatting.
import type { Api } from 'grammy';
import { splitForTelegram, TELEGRAM_TEXT_LIMIT } from './telegram-format.ts';
import { type ChatId, editMarkdown, isNotModified, sendMarkdown } from './telegram-send.ts';

export interface StreamedReplyOptions {
  /** Minimum time between two writes to Telegram (sends and edits). */
  minIntervalMs: number;
  limit?: number;
  onError?: (error: unknown) => void;
}

interface Shown {
  messageId: number;
  text: string;
}

export class StreamedReply {
  private latest = '';
  private readonly shown: Shown[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = 0;
  private finished = false;

  constructor(
    private readonly api: Api,
    private readonly chatId: ChatId,
    private readonly options: StreamedReplyOptions,
  ) {}

  /** The answer so far (the whole text, not a delta). */
  update(text: string): void {
    if (this.finished) return;
    this.latest = text;
    this.schedule();
  }

  /** Writes the final text with formatting; resolves when Telegram shows it. */
  async finish(text: string): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    await this.flushing;
    const pieces = splitForTelegram(text, this.options.limit ?? TELEGRAM_TEXT_LIMIT);
    for (const [index, piece] of pieces.entries()) {
      await this.waitForSlot();
      const shown = this.shown[index];
      if (shown) await editMarkdown(this.api, this.chatId, shown.messageId, piece);
      else {
        const message = await sendMarkdown(this.api, this.chatId, piece);
        this.shown.push({ messageId: message.message_id, text: piece });
      }
      this.lastWriteAt = Date.now();
    }
  }

  /** Message ids of the answer so far. */
  messageIds(): number[] {
    return this.shown.map((s) => s.messageId);
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    const wait = Math.max(0, this.lastWriteAt + this.options.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.flushing = undefined;
          // Text that came while writing goes out on the next slot.
          if (!this.finished && this.pending()) this.schedule();
        });
    }, wait);
  }

  private pending(): boolean {
    const pieces = splitForTelegram(this.latest, this.options.limit ?? TELEGRAM_TEXT_LIMIT);
    return pieces.some((piece, i) => piece.trim() !== '' && this.shown[i]?.text !== piece);
  }

  /** One write per slot: the first piece that differs from what Telegram shows. */
  private async flush(): Promise<void> {
    const pieces = splitForTelegram(this.latest, this.options.limit ?? TELEGRAM_TEXT_LIMIT);
    const index = pieces.findIndex((piece, i) => piece.trim() !== '' && this.shown[i]?.text !== piece);
    if (index === -1) return;
    const piece = pieces[index] as string;
    const shown = this.shown[index];
    this.lastWriteAt = Date.now();
    if (shown) {
      await this.api.editMessageText(this.chatId, shown.messageId, piece).catch((error: unknown) => {
        if (!isNotModified(error)) throw error;
      });
      shown.text = piece;
    } else {
      const message = await this.api.sendMessage(this.chatId, piece);
      this.shown.push({ messageId: message.message_id, text: piece });
    }
    this.lastWriteAt = Date.now();
  }

  private async waitForSlot(): Promise<void> {
    const wait = this.lastWriteAt + this.options.minIntervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
