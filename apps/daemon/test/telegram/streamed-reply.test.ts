// A streamed answer against the fake Bot API: one message edited at a bounded rate, continued in a new message
// past the limit, and the final text formatted (plain when Telegram refuses the formatting).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeTelegram, startFakeTelegram, waitUntil } from '@restflow/testkit';
import { Bot } from 'grammy';
import { StreamedReply } from '../../src/channels/telegram/streamed-reply.ts';

let tg: FakeTelegram;
let bot: Bot;

beforeAll(async () => {
  tg = await startFakeTelegram();
  bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
});
afterAll(async () => {
  await tg.close();
});

describe('a streamed reply', () => {
  it('edits one message at a bounded rate and continues past the limit in a new one', async () => {
    const chat = 11;
    const reply = new StreamedReply(bot.api, chat, { minIntervalMs: 150, limit: 60 });
    const writes = () =>
      tg.calls.filter(
        (c) => String(c.params.chat_id) === String(chat) && ['sendMessage', 'editMessageText'].includes(c.method),
      );
    let text = '';
    for (let i = 0; i < 12; i++) {
      text += `word${i} `;
      const before = writes().length;
      reply.update(text);
      // Tokens keep coming while the reply is written: the next one follows once this one reached Telegram.
      await waitUntil(() => writes().length > before, 5000, `update ${i} written`);
    }
    await waitUntil(() => tg.messagesIn(chat).length === 2, 5000, 'the second message');
    const final = `${text.trim()} and **done**`;
    await reply.finish(final);
    const [first, second] = tg.messagesIn(chat);
    expect(first?.text.length).toBeLessThanOrEqual(60);
    expect(second?.text).toContain('<b>done</b>');
    expect(second?.parse_mode).toBe('HTML');
    expect(`${first?.text} ${second?.text.replace('<b>done</b>', '**done**')}`).toBe(final);
    expect(reply.messageIds()).toEqual([first?.message_id, second?.message_id]);
    // No two writes closer than the interval (a little slack for timer jitter).
    const written = writes();
    for (let i = 1; i < written.length; i++) {
      expect((written[i]?.at ?? 0) - (written[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(140);
    }
  });

  it('shows the final text plain when Telegram refuses its formatting', async () => {
    const chat = 12;
    const reply = new StreamedReply(bot.api, chat, { minIntervalMs: 50 });
    reply.update('Partial');
    await waitUntil(() => tg.messagesIn(chat).length === 1, 5000, 'the first message');
    tg.failNext('editMessageText', { error_code: 400, description: "Bad Request: can't parse entities" });
    await reply.finish('Final **answer**');
    expect(tg.messagesIn(chat)[0]?.text).toBe('Final **answer**');
    expect(tg.messagesIn(chat)[0]?.parse_mode).toBeUndefined();
  });
});
