import { describe, expect, it } from '@jest/globals';
import { CHANGES_CHANNEL, InvalidInputError } from '@restflow/core';
import { createTestServices } from '@restflow/testkit';

describe('Telegram settings', () => {
  it('start with no allowed chat, store a cleaned list and tell change listeners', () => {
    const services = createTestServices();
    expect(services.telegram.get()).toEqual({ allowed_chats: [] });
    expect(services.telegram.isAllowed(42)).toBe(false);
    const seen: unknown[] = [];
    services.bus.subscribe(CHANGES_CHANNEL, (change) => seen.push(change));

    const stored = services.telegram.set({ allowed_chats: [' 42 ', '-100123', '42'] });
    expect(stored).toEqual({ allowed_chats: ['42', '-100123'] });
    expect(services.telegram.get()).toEqual(stored);
    expect(services.telegram.isAllowed(42)).toBe(true);
    expect(services.telegram.isAllowed('-100123')).toBe(true);
    expect(services.telegram.isAllowed(7)).toBe(false);
    expect(seen).toEqual([{ entity: 'config', id: 'telegram', action: 'updated' }]);
  });

  it('refuse what is not a chat id, naming it, and keep what was stored', () => {
    const services = createTestServices();
    services.telegram.set({ allowed_chats: ['1'] });
    expect(() => services.telegram.set({ allowed_chats: ['12', '@someone'] })).toThrow(InvalidInputError);
    expect(() => services.telegram.set({ allowed_chats: ['@someone'] })).toThrow(
      /"@someone" is not a Telegram chat id/,
    );
    expect(services.telegram.get()).toEqual({ allowed_chats: ['1'] });
  });
});
