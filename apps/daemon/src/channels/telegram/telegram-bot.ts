// The bot's behaviour: access control first, then commands, then plain text to the chat's agent; button
// presses (approvals, "Run again") last. Handlers never wait for an agent run: grammY handles updates one at a
// time, and /stop must get through while an answer streams.

import { autoRetry } from '@grammyjs/auto-retry';
import { RUN_AGAIN_CALLBACK_PREFIX } from '@restflow/core';
import { Bot, type Context } from 'grammy';
import { APPROVAL_CALLBACK, ApprovalPrompts } from './approval-prompts.ts';
import { ChatConversations } from './chat-conversations.ts';
import type { TelegramChannelDeps, TelegramTiming } from './ports.ts';
import { sendMarkdown } from './telegram-send.ts';

export const HELP_TEXT = [
  '**RestFlow** — chat with your agents, run tasks and approve commands.',
  '',
  'Write anything to talk to this chat’s agent.',
  '/agents — the agents you can talk to',
  '/agent <name> — pick the agent for this chat',
  '/new — start a new conversation',
  '/tasks — the tasks and their state',
  '/run <task name or id> — run a task now',
  '/status — what the daemon is doing',
  '/stop — stop this chat’s answer (or the task it started)',
  '/help — this list',
].join('\n');

const MAX_REMEMBERED_STRANGERS = 10_000;

const TASK_STATUS_EMOJI: Record<string, string> = {
  active: '🟢',
  paused: '⏸',
  running: '🔄',
  completed: '✅',
  failed: '❌',
};

export interface BuiltBot {
  bot: Bot;
  conversations: ChatConversations;
  approvals: ApprovalPrompts;
  chatsForTask(taskId: string): Promise<string[]>;
}

export interface BotContext {
  /** What /status says about the channel itself. */
  describeChannel(): string;
}

export function buildTelegramBot(
  token: string,
  deps: TelegramChannelDeps,
  timing: TelegramTiming,
  context: BotContext,
): BuiltBot {
  const bot = new Bot(token, { client: { apiRoot: deps.apiRoot } });
  // 429 answers carry retry_after: wait that long and try again (a few times, never minutes).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  const { api: caller, logger } = deps;
  const approvals = new ApprovalPrompts(bot.api, caller, logger);
  const conversations = new ChatConversations(bot.api, caller, deps, approvals, timing);
  const refused = new Set<string>();
  const reply = (ctx: Context, markdown: string) => sendMarkdown(bot.api, ctx.chat?.id as number, markdown);

  bot.use(async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    if (deps.isAllowed(chatId)) return next();
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: 'This chat may not use this bot.' });
      return;
    }
    // One polite answer per chat, then silence: a stranger cannot make the bot talk.
    if (refused.has(String(chatId))) return;
    // Bounded, so a flood of strangers cannot grow it without end (the oldest may then be answered again).
    if (refused.size >= MAX_REMEMBERED_STRANGERS) refused.delete(refused.values().next().value as string);
    refused.add(String(chatId));
    logger.warn(
      { chat: String(chatId), from: ctx.from?.username ?? ctx.from?.id ?? null },
      'telegram: refused a chat that is not in telegram.allowed_chats',
    );
    await reply(
      ctx,
      [
        'Sorry, this is a private RestFlow bot.',
        '',
        `This chat's id is \`${chatId}\`. If this is your bot, allow the chat with:`,
        `\`restflow config set telegram.allowed_chats ${chatId}\``,
      ].join('\n'),
    );
  });

  bot.command(['start', 'help'], (ctx) => reply(ctx, HELP_TEXT));

  bot.command('agents', async (ctx) => {
    const [agents, session] = await Promise.all([caller.agents.list(), conversations.sessionFor(ctx.chat.id)]);
    if (agents.length === 0) return reply(ctx, 'No agents yet: create one with `restflow agent create`.');
    const lines = agents.map(
      (a) => `${a.id === session.agent_id ? '▶️' : '•'} **${a.name}** — ${a.agent.model ?? 'no model'}`,
    );
    return reply(
      ctx,
      ['**Agents** (▶️ answers in this chat):', ...lines, '', 'Pick one with /agent <name>.'].join('\n'),
    );
  });

  bot.command('agent', async (ctx) => {
    const wanted = ctx.match.trim();
    const agents = await caller.agents.list();
    if (!wanted) {
      const session = await conversations.sessionFor(ctx.chat.id);
      const current = agents.find((a) => a.id === session.agent_id);
      return reply(ctx, `This chat talks to **${current?.name ?? session.agent_id}**. Change it with /agent <name>.`);
    }
    const agent =
      agents.find((a) => a.name.toLowerCase() === wanted.toLowerCase()) ?? agents.find((a) => a.id.startsWith(wanted));
    if (!agent) return reply(ctx, `No agent named “${wanted}”. /agents lists them.`);
    await conversations.useAgent(ctx.chat.id, agent.id);
    return reply(ctx, `This chat now talks to **${agent.name}**.`);
  });

  bot.command('new', async (ctx) => {
    if (conversations.activeRun(ctx.chat.id)) return reply(ctx, 'Still answering: /stop first, then /new.');
    await conversations.newSession(ctx.chat.id);
    return reply(ctx, '🆕 New conversation started.');
  });

  bot.command(['tasks', 'list'], async (ctx) => {
    const tasks = await caller.tasks.list();
    if (tasks.length === 0) return reply(ctx, 'No tasks yet.');
    const lines = tasks
      .slice(0, 20)
      .map((t) => `${TASK_STATUS_EMOJI[t.status] ?? '•'} **${t.name}** — ${t.status} (\`${t.id.slice(0, 8)}\`)`);
    const more = tasks.length > 20 ? [`…and ${tasks.length - 20} more.`] : [];
    return reply(ctx, ['**Tasks**', ...lines, ...more, '', 'Run one with /run <name or id>.'].join('\n'));
  });

  bot.command('run', async (ctx) => {
    const wanted = ctx.match.trim();
    if (!wanted) return reply(ctx, 'Which task? /run <name or id> — /tasks lists them.');
    const tasks = await caller.tasks.list();
    const task =
      tasks.find((t) => t.id === wanted) ??
      tasks.find((t) => t.name.toLowerCase() === wanted.toLowerCase()) ??
      (wanted.length >= 4 ? tasks.find((t) => t.id.startsWith(wanted)) : undefined);
    if (!task) return reply(ctx, `No task named “${wanted}”. /tasks lists them.`);
    return startTask(ctx, task.id, task.name);
  });

  bot.command('status', async (ctx) => {
    const [active, pending, session, agents] = await Promise.all([
      caller.tasks.active(),
      caller.security.approvals.list({ status: 'pending' }),
      conversations.sessionFor(ctx.chat.id),
      caller.agents.list(),
    ]);
    const running = active.filter((r) => r.state === 'running');
    const agent = agents.find((a) => a.id === session.agent_id);
    const lines = [
      '**RestFlow status**',
      `Channel: ${context.describeChannel()}`,
      `Agent in this chat: **${agent?.name ?? session.agent_id}**${conversations.activeRun(ctx.chat.id) ? ' (answering)' : ''}`,
      `Tasks running: ${running.length}${running.length ? ` — ${running.map((r) => r.task_name).join(', ')}` : ''}`,
      `Tasks queued: ${active.length - running.length}`,
      `Approvals waiting: ${pending.length}`,
    ];
    return reply(ctx, lines.join('\n'));
  });

  bot.command('stop', async (ctx) => {
    const runId = conversations.activeRun(ctx.chat.id);
    if (runId) {
      await caller.runs.cancel({ id: runId });
      return; // the answer's own message says "Stopped".
    }
    const task = conversations.lastTask(ctx.chat.id);
    if (task && (await caller.tasks.active()).some((r) => r.task_id === task.id)) {
      await caller.tasks.cancel({ id: task.id });
      return reply(ctx, `⏹ Stopped task **${task.name}**.`);
    }
    return reply(ctx, 'Nothing is running in this chat.');
  });

  bot.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('/')) {
      const command = text.split(/\s/, 1)[0];
      return reply(ctx, `Unknown command ${command}. /help lists what I understand.`);
    }
    conversations.receive(ctx.chat.id, text);
  });

  bot.on('callback_query:data', async (ctx) => {
    const data = ctx.callbackQuery.data;
    const approval = APPROVAL_CALLBACK.exec(data);
    if (approval) {
      const answer = await approvals.decide(approval[1] as string, approval[2] === 'y');
      await ctx.answerCallbackQuery({ text: answer });
      return;
    }
    if (data.startsWith(RUN_AGAIN_CALLBACK_PREFIX)) {
      const taskId = data.slice(RUN_AGAIN_CALLBACK_PREFIX.length);
      try {
        const task = await caller.tasks.get({ id: taskId });
        await ctx.answerCallbackQuery({ text: `Starting ${task.name}` });
        await startTask(ctx, task.id, task.name);
      } catch (error) {
        await ctx.answerCallbackQuery({ text: (error as Error).message.slice(0, 190) });
      }
      return;
    }
    await ctx.answerCallbackQuery();
  });

  async function startTask(ctx: Context, taskId: string, name: string) {
    const chatId = ctx.chat?.id as number;
    try {
      const accepted = await caller.tasks.run({ id: taskId });
      conversations.rememberTask(chatId, { id: taskId, name });
      return reply(ctx, `🚀 Started: **${name}**${accepted.queued ? ' (queued: every worker is busy)' : ''}`);
    } catch (error) {
      return reply(ctx, `⚠️ Could not start **${name}**: ${(error as Error).message}`);
    }
  }

  bot.catch((error) => {
    logger.error({ err: error.error, update: error.ctx.update.update_id }, 'telegram: handling an update failed');
    const chatId = error.ctx.chat?.id;
    if (chatId !== undefined) {
      void sendMarkdown(bot.api, chatId, `⚠️ ${(error.error as Error).message ?? 'Something went wrong.'}`).catch(
        () => {},
      );
    }
  });

  /** A task run's approval goes to the chats that started it, and to its notification chat when allowed. */
  const chatsForTask = async (taskId: string): Promise<string[]> => {
    const chats = new Set(conversations.chatsThatRan(taskId));
    try {
      const { notification } = await caller.tasks.get({ id: taskId });
      if (notification.telegram_enabled && notification.telegram_chat_id) chats.add(notification.telegram_chat_id);
    } catch {
      // Deleted meanwhile: only the chats that ran it.
    }
    return [...chats].filter((chatId) => deps.isAllowed(chatId));
  };

  return { bot, conversations, approvals, chatsForTask };
}
