import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('config.telegram router', () => {
  it('gets and replaces the allowed chats; numbers are kept as text', async () => {
    const { caller, services } = createTestCaller();
    expect(await caller.config.telegram.get()).toEqual({ allowed_chats: [] });
    const saved = await caller.config.telegram.set({ telegram: { allowed_chats: [12345, '-100987', ' 12345 '] } });
    expect(saved).toEqual({ allowed_chats: ['12345', '-100987'] });
    expect(await caller.config.telegram.get()).toEqual(saved);
    expect(services.telegram.isAllowed(-100987)).toBe(true);
    expect(await caller.config.telegram.set({ telegram: { allowed_chats: [] } })).toEqual({ allowed_chats: [] });
  });

  it('refuses what is not a chat id with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const bad = await errorOf(caller.config.telegram.set({ telegram: { allowed_chats: ['@me'] } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/allowed_chats/);
    const unknown = await errorOf(caller.config.telegram.set({ telegram: { allowed: [] } } as never));
    expect(unknown.code).toBe('BAD_REQUEST');
  });
});
