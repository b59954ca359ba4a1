// Plain text from a chat → a turn with the chat's agent in the chat's session (`channel:telegram:{chat_id}`),
// through `chat.send` like any client: the turn shows up live in the console's session list. Quick successive
// messages are merged into one turn; text that arrives while the agent answers is the next turn.
import type { Api } from 'grammy';
import type { ApprovalPrompts } from './approval-prompts.ts';
import { type ApiCaller, sessionNameOf, type TelegramChannelDeps, type TelegramTiming } from './ports.ts';
import { StreamedReply } from './streamed-reply.ts';
import { type ChatId, sendMarkdown } from './telegram-send.ts';

interface ChatState {
  buffer: string[];
  debounce?: NodeJS.Timeout;
  /** A turn is being started or answered. */
  busy: boolean;
  runId?: string;
  sessionId?: string;
  lookup?: Promise<{ id: string; agent_id: string }>;
  /** The last task started from this chat with /run. */
  task?: { id: string; name: string };
}

export class ChatConversations {
  private readonly chats = new Map<string, ChatState>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly api: Api,
    private readonly caller: ApiCaller,
    private readonly deps: Pick<TelegramChannelDeps, 'runEvents' | 'logger'>,
    private readonly approvals: ApprovalPrompts,
    private readonly timing: TelegramTiming,
  ) {}

  private state(chatId: ChatId): ChatState {
    const key = String(chatId);
    let state = this.chats.get(key);
    if (!state) {
      state = { buffer: [], busy: false };
      this.chats.set(key, state);
    }
    return state;
  }

  receive(chatId: ChatId, text: string): void {
    const state = this.state(chatId);
    state.buffer.push(text);
    clearTimeout(state.debounce);
    state.debounce = setTimeout(() => this.drain(chatId), this.timing.debounceMs);
  }

  /** The run answering in this chat, if any. */
  activeRun(chatId: ChatId): string | undefined {
    return this.state(chatId).runId;
  }

  rememberTask(chatId: ChatId, task: { id: string; name: string }): void {
    this.state(chatId).task = task;
  }

  lastTask(chatId: ChatId): { id: string; name: string } | undefined {
    return this.state(chatId).task;
  }

  /** The chats whose last /run started this task. */
  chatsThatRan(taskId: string): string[] {
    return [...this.chats.entries()].filter(([, state]) => state.task?.id === taskId).map(([chatId]) => chatId);
  }

  /**
   * The chat's current session, created on first use (with the default agent). Concurrent callers (a command
   * while a turn starts) share one lookup, so a chat never gets two sessions of the same name.
   */
  sessionFor(chatId: ChatId): Promise<{ id: string; agent_id: string }> {
    const state = this.state(chatId);
    state.lookup ??= this.findOrCreateSession(chatId).finally(() => {
      state.lookup = undefined;
    });
    return state.lookup;
  }

  private async findOrCreateSession(chatId: ChatId): Promise<{ id: string; agent_id: string }> {
    const state = this.state(chatId);
    if (state.sessionId) {
      try {
        const summary = await this.caller.sessions.summary({ id: state.sessionId });
        return { id: summary.id, agent_id: summary.agent_id };
      } catch {
        // Deleted from the console or the CLI: a new one is made below.
        state.sessionId = undefined;
      }
    }
    const name = sessionNameOf(chatId);
    const existing = (await this.caller.sessions.list()).find((s) => s.name === name);
    const session = existing ?? (await this.caller.sessions.create({ name }));
    state.sessionId = session.id;
    return { id: session.id, agent_id: session.agent_id };
  }

  /** /new: the current session keeps its history under a dated name; the chat goes on in a fresh one. */
  async newSession(chatId: ChatId): Promise<{ id: string; agent_id: string }> {
    const current = await this.sessionFor(chatId);
    const stamp = new Date().toISOString().replace('T', ' ').slice(0, 19);
    await this.caller.sessions.update({ id: current.id, name: `${sessionNameOf(chatId)} · ${stamp}` });
    const fresh = await this.caller.sessions.create({ name: sessionNameOf(chatId), agent_id: current.agent_id });
    this.state(chatId).sessionId = fresh.id;
    return { id: fresh.id, agent_id: fresh.agent_id };
  }

  /** /agent: the chat's session is answered by `agentId` from the next message on. */
  async useAgent(chatId: ChatId, agentId: string): Promise<void> {
    const session = await this.sessionFor(chatId);
    await this.caller.sessions.update({ id: session.id, agent_id: agentId });
  }

  /** Ends every debounce and stream (the channel is stopping); runs themselves go on in the daemon. */
  close(): void {
    this.stopping.abort();
    for (const state of this.chats.values()) clearTimeout(state.debounce);
  }

  private drain(chatId: ChatId): void {
    const state = this.state(chatId);
    if (state.busy || state.buffer.length === 0 || this.stopping.signal.aborted) return;
    const content = state.buffer.splice(0).join('\n');
    state.busy = true;
    void this.turn(chatId, content).finally(() => {
      state.busy = false;
      state.runId = undefined;
      if (state.buffer.length) this.drain(chatId);
    });
  }

  private async turn(chatId: ChatId, content: string): Promise<void> {
    const typing = this.keepTyping(chatId);
    try {
      const session = await this.sessionFor(chatId);
      const started = await this.caller.chat.send({ session_id: session.id, content });
      this.state(chatId).runId = started.run_id;
      await this.follow(chatId, started.run_id);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.deps.logger.warn({ err: error, chat: String(chatId) }, 'telegram: chat turn failed');
      await sendMarkdown(this.api, chatId, `⚠️ ${(error as Error).message}`).catch(() => {});
    } finally {
      typing.stop();
    }
  }

  private async follow(chatId: ChatId, runId: string): Promise<void> {
    const reply = new StreamedReply(this.api, chatId, {
      minIntervalMs: this.timing.editIntervalMs,
      onError: (error) =>
        this.deps.logger.warn({ err: error, chat: String(chatId) }, 'telegram: streaming edit failed'),
    });
    let text = '';
    let final: string | undefined;
    for await (const event of this.deps.runEvents(runId, this.stopping.signal)) {
      const kind = event.kind;
      if (kind.type === 'token') {
        text += kind.text;
        reply.update(text);
      } else if (kind.type === 'approval_required') {
        await this.approvals.offer(chatId, kind.approval);
      } else if (kind.type === 'completed') {
        final = kind.full_content || text;
      } else if (kind.type === 'failed') {
        final = `${kind.partial_content ?? text}\n\n⚠️ The run failed: ${kind.error}`.trim();
      } else if (kind.type === 'cancelled') {
        final = `${kind.partial_content ?? text}\n\n⏹ Stopped.`.trim();
      }
    }
    if (final === undefined) return;
    await reply.finish(final.trim() ? final : '(no answer)');
  }

  private keepTyping(chatId: ChatId): { stop(): void } {
    const send = () =>
      this.api.sendChatAction(chatId, 'typing').catch((error: unknown) => {
        this.deps.logger.debug({ err: error }, 'telegram: typing indicator failed');
      });
    void send();
    const timer = setInterval(send, this.timing.typingIntervalMs);
    return { stop: () => clearInterval(timer) };
  }
}
