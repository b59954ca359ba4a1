// A command that needs approval, asked in the chat whose run wants it: Approve / Reject buttons. The decision
// goes through the same `security.approvals` procedures as the CLI and the console, and a decision taken
// anywhere (or an expiry) updates the message.
import type { PendingApproval } from '@restflow/core';
import { type Api, InlineKeyboard } from 'grammy';
import type { ApiCaller, TelegramChannelDeps } from './ports.ts';
import { type ChatId, editMarkdown, sendMarkdown } from './telegram-send.ts';

export const APPROVAL_CALLBACK = /^ap:([0-9a-f-]{8,36}):(y|n)$/;

interface Prompt {
  chatId: ChatId;
  messageId: number;
  command: string;
}

const codeSpan = (command: string) => `\`${command.replace(/`/g, "'").slice(0, 3000)}\``;

function decidedText(approval: PendingApproval): string {
  const verdict =
    approval.status === 'approved'
      ? '✅ **Approved**'
      : approval.status === 'rejected'
        ? '❌ **Rejected**'
        : '⌛ **Expired** (no decision in time)';
  return `${verdict}\n${codeSpan(approval.command)}`;
}

export class ApprovalPrompts {
  private readonly prompts = new Map<string, Prompt[]>();

  constructor(
    private readonly api: Api,
    private readonly caller: ApiCaller,
    private readonly logger: TelegramChannelDeps['logger'],
  ) {}

  /** Asks in `chatId`; the run waits for the decision. */
  async offer(chatId: ChatId, approval: { id: string; command: string }): Promise<void> {
    if (this.prompts.get(approval.id)?.some((p) => String(p.chatId) === String(chatId))) return;
    const keyboard = new InlineKeyboard()
      .text('✅ Approve', `ap:${approval.id}:y`)
      .text('❌ Reject', `ap:${approval.id}:n`);
    const message = await sendMarkdown(
      this.api,
      chatId,
      `🔐 **Approval needed** — the agent wants to run:\n${codeSpan(approval.command)}`,
      { keyboard },
    );
    const list = this.prompts.get(approval.id) ?? [];
    list.push({ chatId, messageId: message.message_id, command: approval.command });
    this.prompts.set(approval.id, list);
  }

  /** A button press; returns what to tell the user in the callback answer. */
  async decide(approvalId: string, approve: boolean): Promise<string> {
    try {
      const approval = approve
        ? await this.caller.security.approvals.approve({ id: approvalId })
        : await this.caller.security.approvals.reject({ id: approvalId, reason: 'rejected in Telegram' });
      await this.settled(approval as PendingApproval);
      return approve ? 'Approved' : 'Rejected';
    } catch (error) {
      // Decided elsewhere first, or expired: the message is brought up to date by the watch.
      return (error as Error).message.slice(0, 190);
    }
  }

  /**
   * Follows approval changes until `signal` aborts: a task run's pending approval is asked in `chatsForTask`
   * (a chat run's is asked by the chat itself, from its run events); decided ones update their messages.
   */
  async watch(
    approvals: TelegramChannelDeps['approvals'],
    chatsForTask: (taskId: string) => Promise<ChatId[]>,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      for await (const approval of approvals.subscribe({ signal })) {
        if (approval.status !== 'pending') await this.settled(approval);
        else if (approval.task_id) {
          for (const chatId of await chatsForTask(approval.task_id)) {
            await this.offer(chatId, approval).catch((error: unknown) =>
              this.logger.warn({ err: error, approval: approval.id }, 'telegram: could not ask for an approval'),
            );
          }
        }
      }
    } catch (error) {
      if (!signal.aborted) this.logger.warn({ err: error }, 'telegram: approval watch ended');
    }
  }

  private async settled(approval: PendingApproval): Promise<void> {
    const prompts = this.prompts.get(approval.id);
    if (!prompts) return;
    this.prompts.delete(approval.id);
    for (const prompt of prompts) {
      await editMarkdown(this.api, prompt.chatId, prompt.messageId, decidedText(approval)).catch((error: unknown) =>
        this.logger.warn({ err: error, approval: approval.id }, 'telegram: could not update an approval message'),
      );
    }
  }
}
